"""Each family of the pack knows its boilerplate in the languages it promises: German,
French, Spanish, Italian, Portuguese, Dutch and Polish, the common Chinese, Japanese and
Korean labels, and the Nordic and Czech labels added since. A typical line of each family
in each language, between two paragraphs, is removed by a rule of that family, and the
paragraphs stay."""

from __future__ import annotations

import pytest

from cleaner import clean

PARAGRAPH = "The council voted on Monday to build a new library in the old market hall."
PARAGRAPH_2 = "Work starts in spring, and the doors should open before the end of next year."

TYPICAL_LINES = {
    "ad": {
        "de": "Anzeige", "fr": "Publicité", "es": "Publicidad", "it": "Pubblicità",
        "pt": "Publicidade", "nl": "Advertentie", "pl": "Reklama", "zh": "广告", "ja": "広告",
        "ko": "광고", "fi": "Mainos", "sv": "Annons", "no": "Annonse", "da": "Reklame",
    },
    "credit": {
        "de": "Foto: dpa", "fr": "Crédit photo : AFP", "es": "Foto: EFE", "it": "Foto: ANSA",
        "pt": "Foto: Divulgação", "nl": "Foto: ANP", "pl": "Fot. PAP", "zh": "图片来源：新华社",
        "ja": "写真：共同通信", "ko": "사진=연합뉴스", "fi": "Kuva: Lehtikuva",
    },
    "newsletter": {
        "de": "Jetzt Newsletter abonnieren", "fr": "Abonnez-vous à notre newsletter",
        "es": "Suscríbete a nuestro boletín", "it": "Iscriviti alla nostra newsletter",
        "pt": "Assine nossa newsletter", "nl": "Schrijf je in voor onze nieuwsbrief",
        "pl": "Zapisz się do newslettera", "zh": "订阅我们的新闻通讯", "ja": "メルマガ登録",
        "ko": "뉴스레터 구독하기", "fi": "Tilaa uutiskirje", "sv": "Prenumerera på vårt nyhetsbrev",
        "da": "Tilmeld dig vores nyhedsbrev", "no": "Meld deg på nyhetsbrevet",
        "cs": "Přihlaste se k odběru novinek",
    },
    "share": {
        "de": "Teilen", "fr": "Partager sur Facebook", "es": "Compartir en WhatsApp",
        "it": "Condividi su Facebook", "pt": "Compartilhar", "nl": "Delen", "pl": "Udostępnij",
        "zh": "分享到", "ja": "シェア ツイート", "ko": "공유하기", "fi": "Jaa", "sv": "Dela",
        "cs": "Sdílet",
    },
    "promo": {
        "de": "Lesen Sie auch: Der Streit um die Rente geht weiter",
        "fr": "Lire aussi : La réforme des retraites expliquée",
        "es": "Lee también: Las claves de la reforma", "it": "Leggi anche: La riforma spiegata",
        "pt": "Leia também: O que muda com a reforma", "nl": "Lees ook: Wat de nieuwe regel betekent",
        "pl": "Czytaj także: Co zmienia reforma", "zh": "相关阅读：改革的要点",
        "ja": "関連記事：改革のポイント", "ko": "관련기사: 개혁의 핵심",
        "fi": "Lue myös: Korkeasaaren karhut heräsivät jo", "sv": "Läs också: Regeringen faller",
        "da": "Læs også: Det nye budget", "no": "Les mer", "cs": "Čtěte také: Co přinese reforma",
    },
    "comments": {
        "de": "Kommentar schreiben", "fr": "Laisser un commentaire", "es": "Deja un comentario",
        "it": "Lascia un commento", "pt": "Deixe um comentário", "nl": "Laat een reactie achter",
        "pl": "Dodaj komentarz", "zh": "发表评论", "ja": "コメントを書く", "ko": "댓글 쓰기",
    },
    "legal": {
        "de": "Alle Rechte vorbehalten.", "fr": "Tous droits réservés.",
        "es": "Todos los derechos reservados.", "it": "Tutti i diritti riservati.",
        "pt": "Todos os direitos reservados.", "nl": "Alle rechten voorbehouden.",
        "pl": "Wszelkie prawa zastrzeżone.", "zh": "版权所有", "ja": "無断転載禁止",
        "ko": "무단 전재 및 재배포 금지",
    },
    "cookies": {
        "de": "Diese Website verwendet Cookies.", "fr": "Ce site utilise des cookies.",
        "es": "Este sitio web utiliza cookies.", "it": "Questo sito utilizza cookie.",
        "pt": "Este site utiliza cookies.", "nl": "Deze website maakt gebruik van cookies.",
        "pl": "Strona korzysta z plików cookie w celu realizacji usług.", "zh": "本网站使用cookie。",
        "ja": "このサイトはクッキーを使用しています。", "ko": "이 웹사이트는 쿠키를 사용합니다.",
    },
    "ad-blocker": {
        "de": "Bitte deaktivieren Sie Ihren Adblocker.", "fr": "Vous utilisez un bloqueur de publicité.",
        "es": "Parece que estás usando un bloqueador de anuncios.", "it": "Stai usando un ad blocker.",
        "pt": "Parece que você está usando um bloqueador de anúncios.", "nl": "Je gebruikt een adblocker.",
        "pl": "Używasz programu do blokowania reklam.",
    },
    "navigation": {
        "de": "Startseite > Politik > Inland", "fr": "Accueil > Politique > France",
        "es": "Inicio > Política > Nacional", "it": "Home > Politica > Italia",
        "pt": "Início > Política > Brasil", "nl": "Home > Politiek > Binnenland",
        "pl": "Strona główna > Polityka > Kraj", "zh": "首页 > 新闻 > 国内",
        "ja": "ホーム > ニュース > 国内", "ko": "홈 > 뉴스 > 정치",
    },
    "byline": {
        "de": "Mit Material von dpa", "fr": "Avec AFP", "es": "Con información de EFE",
        "it": "di Mario Rossi", "pt": "Com informações da Agência Brasil",
        "nl": "Door Jan de Vries", "pl": "przez Jana Kowalskiego", "zh": "责任编辑：张三",
        "ja": "（共同）", "ko": "홍길동 기자",
    },
    "paywall": {
        "de": "Dieser Artikel ist nur für Abonnenten", "fr": "Article réservé aux abonnés",
        "es": "Contenido exclusivo para suscriptores", "it": "Articolo riservato agli abbonati",
        "pt": "Este conteúdo é exclusivo para assinantes", "nl": "Dit artikel is alleen voor abonnees",
        "pl": "Artykuł dostępny tylko dla subskrybentów",
    },
    "comment-controls": {
        "de": "Kommentare anzeigen", "fr": "Afficher les commentaires", "es": "Mostrar comentarios",
        "it": "Mostra commenti", "pt": "Ver comentários", "nl": "Bekijk reacties",
        "pl": "Pokaż komentarze",
    },
    "comment-status": {
        "de": "Kommentare sind geschlossen.", "fr": "Les commentaires sont fermés.",
        "es": "Los comentarios están cerrados.", "it": "I commenti sono chiusi.",
        "pt": "Os comentários estão fechados.", "nl": "Reacties zijn gesloten.",
        "pl": "Komentarze są wyłączone.",
    },
    "copy-link": {
        "de": "Link kopieren", "fr": "Copier le lien", "es": "Copiar el enlace", "it": "Copia il link",
        "pt": "Copiar link", "nl": "Kopieer de link", "pl": "Skopiuj link", "zh": "复制链接",
        "ja": "リンクをコピー", "ko": "링크 복사",
    },
    "load-more": {
        "de": "Mehr laden", "fr": "Charger plus", "es": "Cargar más", "it": "Carica altro",
        "pt": "Carregar mais", "nl": "Laad meer", "pl": "Wczytaj więcej", "zh": "加载更多",
        "ja": "もっと見る", "ko": "더보기",
    },
    "reading-time": {
        "de": "Lesezeit 3 Minuten", "fr": "Temps de lecture : 4 min", "es": "Tiempo de lectura: 5 minutos",
        "it": "Tempo di lettura: 3 minuti", "pt": "Tempo de leitura: 4 min", "nl": "Leestijd: 4 minuten",
        "pl": "Przeczytasz w 3 min", "ja": "読了時間：約3分",
    },
    "source": {
        "de": "Quelle: dpa", "fr": "Source : AFP", "es": "Fuente: EFE", "it": "Fonte: ANSA",
        "pt": "Fonte: Agência Brasil", "nl": "Bron: ANP", "pl": "Źródło: PAP", "zh": "来源：新华社",
        "ja": "出典：共同通信", "ko": "출처: 연합뉴스",
    },
    "ad-label": {
        "de": "Weiterlesen nach der Anzeige", "fr": "Contenu de marque", "es": "Contenido de marca",
        "it": "Contenuto sponsorizzato", "pt": "Continua após a publicidade", "nl": "Gesponsord",
        "pl": "Materiał promocyjny",
    },
    "rating": {
        "en": "Was this article helpful? Yes No", "de": "War dieser Artikel hilfreich?",
        "fr": "Cet article vous a-t-il été utile ?", "es": "¿Te ha resultado útil este artículo?",
        "it": "Questo articolo ti è stato utile?", "pt": "Este artigo foi útil?",
        "nl": "Was dit artikel nuttig?", "pl": "Czy ten artykuł był pomocny?",
        "ja": "この記事は役に立ちましたか？",
    },
    "embed-label": {
        "en": "View this post on Instagram", "de": "Sieh dir diesen Beitrag auf Instagram an",
        "fr": "Voir cette publication sur Instagram", "es": "Ver esta publicación en Instagram",
        "it": "Visualizza questo post su Instagram", "pt": "Ver esta publicação no Instagram",
        "nl": "Bekijk dit bericht op Instagram", "pl": "Wyświetl ten post na Instagramie",
    },
    "comment-form": {
        "en": "Fill in your details below or click an icon to log in:",
        "de": "Trage deine Daten unten ein oder klicke ein Icon um dich einzuloggen:",
        "fr": "Remplissez vos coordonnées ci-dessous ou cliquez sur une icône pour vous connecter :",
        "es": "Rellena tus datos o haz clic en un icono para iniciar sesión:",
        "it": "Inserisci i tuoi dati qui sotto o clicca su un'icona per effettuare l'accesso:",
        "pt": "Preencha os seus detalhes abaixo ou clique num ícone para iniciar sessão:",
        "nl": "Vul je gegevens in of klik op een icoon om in te loggen.",
        "pl": "Wpisz swoje dane poniżej lub kliknij jedną z ikon, żeby się zalogować:",
    },
    "blog-pager": {
        "en": "Newer Post Older Post Home", "de": "Neuerer Post Älterer Post Startseite",
        "fr": "Article plus récent Article plus ancien Accueil",
        "es": "Entrada más reciente Entrada antigua Página Principal",
        "it": "Post più recente Post più vecchio Home page",
        "pt": "Postagem mais recente Postagem mais antiga Página inicial",
        "nl": "Nieuwere post Oudere post Homepage", "pl": "Nowszy post Starszy post Strona główna",
    },
    "share-on-x": {
        "en": "Share on X", "de": "Teilen auf X", "fr": "Partager sur X", "es": "Compartir en X",
        "it": "Condividi su X", "pt": "Compartilhar no X", "nl": "Delen op X", "pl": "Udostępnij na X",
    },
    "most-read": {
        "en": "Most read this week", "de": "Meistgelesen der Woche", "fr": "Les plus lus de la semaine",
        "es": "Lo más leído de la semana", "it": "I più letti della settimana", "pt": "Mais lidas da semana",
        "nl": "Meest gelezen deze week", "pl": "Najczęściej czytane w tym tygodniu",
    },
    "comment-submit": {
        "en": "Submit Comment", "de": "Kommentar abschicken", "fr": "Publier le commentaire",
        "es": "Publicar el comentario", "it": "Invia commento", "pt": "Publicar comentário",
        "nl": "Reactie plaatsen", "pl": "Opublikuj komentarz",
    },
    "consent-manager": {
        "en": "Manage Cookie Consent", "de": "Cookie-Zustimmung verwalten",
        "fr": "Gérer le consentement aux cookies", "es": "Gestionar el consentimiento de las cookies",
        "it": "Gestisci consenso cookie", "pt": "Gerir o consentimento de cookies",
        "nl": "Cookie toestemming beheren", "pl": "Zarządzaj zgodą na pliki cookie",
    },
    "consent-partners": {
        "en": "We and our partners store and/or access information on a device, such as cookies.",
        "de": "Wir und unsere Partner speichern und/oder greifen auf Informationen auf einem Gerät zu, beispielsweise auf Cookies.",
        "fr": "Nous et nos partenaires stockons et/ou accédons à des informations sur un appareil, telles que les cookies.",
        "es": "Nosotros y nuestros socios almacenamos o accedemos a información en un dispositivo, tales como cookies.",
        "it": "Noi e i nostri partner archiviamo e/o accediamo a informazioni su un dispositivo, come i cookie.",
        "pt": "Nós e os nossos parceiros armazenamos e/ou acedemos a informações num dispositivo, tais como cookies.",
        "nl": "Wij en onze partners slaan informatie op een apparaat op en/of openen deze, zoals cookies.",
        "pl": "My i nasi partnerzy przechowujemy i/lub uzyskujemy dostęp do informacji na urządzeniu, takich jak pliki cookie.",
    },
    "consent-purpose": {
        "en": "Store and/or access information on a device",
        "de": "Informationen auf einem Gerät speichern und/oder abrufen",
        "fr": "Stocker et/ou accéder à des informations sur un appareil",
        "es": "Almacenar la información en un dispositivo y/o acceder a ella",
        "it": "Archiviare e/o accedere a informazioni su un dispositivo",
        "pt": "Armazenar e/ou aceder a informações num dispositivo",
        "nl": "Informatie op een apparaat opslaan en/of openen",
        "pl": "Przechowywanie informacji na urządzeniu lub dostęp do nich",
    },
    "menu-button": {
        "en": "Open menu", "de": "Menü öffnen", "fr": "Ouvrir le menu", "es": "Abrir menú",
        "it": "Apri menu", "pt": "Abrir menu", "nl": "Menu openen", "pl": "Otwórz menu",
    },
    "messenger-channel": {
        "en": "Join our WhatsApp channel", "de": "Tritt unserem WhatsApp-Kanal bei",
        "fr": "Rejoignez notre chaîne WhatsApp", "es": "Únete a nuestro canal de WhatsApp",
        "it": "Unisciti al nostro canale WhatsApp", "pt": "Entre no canal do WhatsApp",
        "nl": "Word lid van ons WhatsApp-kanaal", "pl": "Dołącz do naszego kanału na WhatsAppie",
    },
    "video-player": {
        "en": "This is a modal window.", "de": "Dies ist ein modales Fenster.",
        "fr": "Ceci est une fenêtre modale.", "es": "Esta es una ventana modal.",
        "it": "Questa è una finestra modale.", "pt": "Esta é uma janela modal.",
        "nl": "Dit is een modaal venster.", "pl": "To jest okno modalne.",
    },
}


# Families whose lines carry another family's category: cookie banners are legal notices,
# a notice to switch off an ad blocker is the ads'.
CATEGORY = {
    "cookies": "legal", "ad-blocker": "ad", "paywall": "newsletter", "comment-controls": "comments",
    "comment-status": "comments", "copy-link": "share", "load-more": "promo",
    "reading-time": "metadata", "source": "metadata", "ad-label": "ad", "rating": "comments",
    "embed-label": "page", "comment-form": "comments", "blog-pager": "navigation",
    "share-on-x": "share", "most-read": "promo", "comment-submit": "comments",
    "consent-manager": "legal", "consent-partners": "legal", "consent-purpose": "legal",
    "video-player": "page", "menu-button": "navigation", "messenger-channel": "share",
}


@pytest.mark.parametrize(
    ("category", "line"),
    [
        pytest.param(CATEGORY.get(family, family), line, id=f"{family}-{language}")
        for family, lines in TYPICAL_LINES.items()
        for language, line in lines.items()
    ],
)
def test_a_typical_line_of_each_family_goes_in_each_language(category, line):
    result = clean(f"{PARAGRAPH}\n{line}\n{PARAGRAPH_2}\n")
    assert result.text == f"{PARAGRAPH}\n{PARAGRAPH_2}\n"
    assert [(r.first_line, r.last_line, r.category) for r in result.removals] == [(2, 2, category)]
