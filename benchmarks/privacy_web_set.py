"""The multilingual web-context sets: ``--set web`` (Faker's values) and ``--set web-mimesis`` (mimesis's).

Each text is a piece of a page an agent would see, in the language of one of 16 locales: an account form
(fields named by their label, or by a label line above an unnamed field), an admin table (the value in a
cell, its label in the column header), an account page (label line, then value), a forum or tracker
post, or an agent's action with the element it writes into (``[12] textbox 'Passwort'`` ... then
``fill('12', ...)``). About 45% of the texts hold no private value but look-alikes in the same places:
old dates under *Member since* / *Veröffentlicht* / 登録日, IMEIs under *Device ID* / *Seriennummer*,
Luhn-valid invoice and tracking numbers, phone-shaped product codes, order and customer numbers.

The values are third-party: Faker's locale providers for ``web`` (phones, addresses, e-mails, dates of
birth, national ids where Faker has them, passwords, cards, IBANs) and mimesis's for ``web-mimesis``
(phones, addresses, e-mails, dates, passwords, cards, IMEIs; mimesis has no national ids, so that set
has none). Dates are printed in each locale's own short, medium and long forms by Babel (CLDR). The
page templates and labels are ours; ``web-mimesis`` uses a second template family (``cell`` and
``term``/``definition`` roles, required-field asterisks, label and value on one line) so the two sets do
not share their page shapes. Texts carry ``web:<locale>:<context>`` as their source, so the report
breaks recall down by locale.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from symbiotic_gym.privacy.evaluation import LabelledText

# locale -> (language of the page, Babel locale for dates, mimesis locale)
LOCALES: dict[str, tuple[str, str, str]] = {
    "en_US": ("en", "en_US", "en"), "en_GB": ("en", "en_GB", "en-gb"), "de_DE": ("de", "de_DE", "de"),
    "fr_FR": ("fr", "fr_FR", "fr"), "es_ES": ("es", "es_ES", "es"), "it_IT": ("it", "it_IT", "it"),
    "nl_NL": ("nl", "nl_NL", "nl"), "pl_PL": ("pl", "pl_PL", "pl"), "pt_PT": ("pt", "pt_PT", "pt"),
    "pt_BR": ("pt", "pt_BR", "pt-br"), "sv_SE": ("sv", "sv_SE", "sv"), "da_DK": ("da", "da_DK", "da"),
    "fi_FI": ("fi", "fi_FI", "fi"), "ja_JP": ("ja", "ja_JP", "ja"), "zh_CN": ("zh", "zh_CN", "zh"),
    "ko_KR": ("ko", "ko_KR", "ko"),
}  # fmt: skip

# how each language's pages label things: private fields, then look-alike fields, then page chrome
PAGE_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "lang": ("en",),
        "phone": ("Phone", "Mobile number", "Telephone", "Contact phone"),
        "email": ("Email", "Email address"),
        "street_address": ("Address", "Street address", "Shipping address", "Home address"),
        "date_of_birth": ("Date of birth", "Birthday", "DOB", "Birth date"),
        "national_id": ("Social Security number", "National Insurance number", "SSN", "ID number"),
        "password": ("Password", "New password", "Confirm password"),
        "payment_card": ("Card number", "Credit card"),
        "iban": ("IBAN", "Bank account (IBAN)"),
        "not_date": ("Member since", "Published", "Created", "Last login", "Order date", "Joined", "Posted on"),
        "imei": ("Device ID", "IMEI", "Serial number"),
        "invoice": ("Invoice no.", "Tracking number", "Order number", "Reference"),
        "product": ("Product code", "Item number", "Part number"),
        "chrome": ("Save changes", "Cancel", "My account", "Orders", "Sign out", "Help", "Search"),
        "hello": ("Hi, please update my details:", "Thanks for the quick reply!", "See the details below."),
    },
    "de": {
        "lang": ("de",),
        "phone": ("Telefon", "Telefonnummer", "Mobilnummer", "Handynummer"),
        "email": ("E-Mail", "E-Mail-Adresse"),
        "street_address": ("Adresse", "Straße und Hausnummer", "Lieferadresse", "Anschrift"),
        "date_of_birth": ("Geburtsdatum", "Geburtstag", "Geboren am"),
        "national_id": ("Steuer-ID", "Sozialversicherungsnummer", "Personalausweisnummer"),
        "password": ("Passwort", "Neues Passwort", "Kennwort"),
        "payment_card": ("Kartennummer", "Kreditkartennummer"),
        "iban": ("IBAN", "Bankverbindung (IBAN)"),
        "not_date": ("Mitglied seit", "Veröffentlicht", "Erstellt am", "Letzte Anmeldung", "Bestelldatum"),
        "imei": ("Geräte-ID", "IMEI", "Seriennummer"),
        "invoice": ("Rechnungsnummer", "Sendungsnummer", "Bestellnummer", "Kundennummer"),
        "product": ("Artikelnummer", "Produktcode", "Art.-Nr."),
        "chrome": ("Speichern", "Abbrechen", "Mein Konto", "Bestellungen", "Abmelden", "Hilfe", "Suche"),
        "hello": ("Hallo, bitte aktualisieren Sie meine Daten:", "Danke für die schnelle Antwort!"),
    },
    "fr": {
        "lang": ("fr",),
        "phone": ("Téléphone", "Numéro de téléphone", "Portable", "Tél."),
        "email": ("E-mail", "Adresse e-mail", "Courriel"),
        "street_address": ("Adresse", "Adresse de livraison", "Adresse postale"),
        "date_of_birth": ("Date de naissance", "Né(e) le"),
        "national_id": ("Numéro de sécurité sociale", "N° de sécurité sociale"),
        "password": ("Mot de passe", "Nouveau mot de passe"),
        "payment_card": ("Numéro de carte", "Carte bancaire"),
        "iban": ("IBAN", "Coordonnées bancaires (IBAN)"),
        "not_date": ("Membre depuis", "Publié le", "Créé le", "Dernière connexion", "Date de commande"),
        "imei": ("Identifiant de l'appareil", "IMEI", "Numéro de série"),
        "invoice": ("Numéro de facture", "Numéro de suivi", "N° de commande", "Numéro client"),
        "product": ("Référence", "Code article", "Réf."),
        "chrome": ("Enregistrer", "Annuler", "Mon compte", "Commandes", "Déconnexion", "Aide", "Rechercher"),
        "hello": ("Bonjour, merci de mettre à jour mes informations :", "Merci pour votre réponse !"),
    },
    "es": {
        "lang": ("es",),
        "phone": ("Teléfono", "Número de teléfono", "Móvil"),
        "email": ("Correo electrónico", "Email"),
        "street_address": ("Dirección", "Dirección de envío", "Domicilio"),
        "date_of_birth": ("Fecha de nacimiento", "Nacimiento"),
        "national_id": ("DNI", "NIF", "NIE", "Documento de identidad"),
        "password": ("Contraseña", "Nueva contraseña"),
        "payment_card": ("Número de tarjeta", "Tarjeta de crédito"),
        "iban": ("IBAN", "Cuenta bancaria (IBAN)"),
        "not_date": ("Miembro desde", "Publicado", "Creado el", "Último acceso", "Fecha de pedido"),
        "imei": ("ID del dispositivo", "IMEI", "Número de serie"),
        "invoice": ("Número de factura", "Número de seguimiento", "Número de pedido", "Número de cliente"),
        "product": ("Referencia", "Código de producto"),
        "chrome": ("Guardar", "Cancelar", "Mi cuenta", "Pedidos", "Cerrar sesión", "Ayuda", "Buscar"),
        "hello": ("Hola, por favor actualicen mis datos:", "¡Gracias por la respuesta!"),
    },
    "it": {
        "lang": ("it",),
        "phone": ("Telefono", "Numero di telefono", "Cellulare"),
        "email": ("Email", "Indirizzo email"),
        "street_address": ("Indirizzo", "Indirizzo di spedizione", "Residenza"),
        "date_of_birth": ("Data di nascita", "Nato il"),
        "national_id": ("Codice fiscale", "Codice Fiscale (CF)"),
        "password": ("Password", "Nuova password"),
        "payment_card": ("Numero carta", "Carta di credito"),
        "iban": ("IBAN", "Conto corrente (IBAN)"),
        "not_date": ("Membro dal", "Pubblicato il", "Creato il", "Ultimo accesso", "Data ordine"),
        "imei": ("ID dispositivo", "IMEI", "Numero di serie"),
        "invoice": ("Numero fattura", "Numero di tracciamento", "Numero ordine", "Codice cliente"),
        "product": ("Codice articolo", "Codice prodotto"),
        "chrome": ("Salva", "Annulla", "Il mio account", "Ordini", "Esci", "Aiuto", "Cerca"),
        "hello": ("Ciao, aggiornate i miei dati per favore:", "Grazie per la risposta!"),
    },
    "nl": {
        "lang": ("nl",),
        "phone": ("Telefoon", "Telefoonnummer", "Mobiel nummer"),
        "email": ("E-mail", "E-mailadres"),
        "street_address": ("Adres", "Straat en huisnummer", "Bezorgadres"),
        "date_of_birth": ("Geboortedatum", "Geboren op"),
        "national_id": ("BSN", "Burgerservicenummer"),
        "password": ("Wachtwoord", "Nieuw wachtwoord"),
        "payment_card": ("Kaartnummer", "Creditcardnummer"),
        "iban": ("IBAN", "Rekeningnummer (IBAN)"),
        "not_date": ("Lid sinds", "Gepubliceerd", "Aangemaakt op", "Laatst ingelogd", "Besteldatum"),
        "imei": ("Apparaat-ID", "IMEI", "Serienummer"),
        "invoice": ("Factuurnummer", "Track & Trace-code", "Bestelnummer", "Klantnummer"),
        "product": ("Artikelnummer", "Productcode"),
        "chrome": ("Opslaan", "Annuleren", "Mijn account", "Bestellingen", "Uitloggen", "Help", "Zoeken"),
        "hello": ("Hallo, kunnen jullie mijn gegevens bijwerken:", "Bedankt voor het snelle antwoord!"),
    },
    "pl": {
        "lang": ("pl",),
        "phone": ("Telefon", "Numer telefonu", "Telefon komórkowy"),
        "email": ("E-mail", "Adres e-mail"),
        "street_address": ("Adres", "Adres dostawy", "Ulica i numer"),
        "date_of_birth": ("Data urodzenia",),
        "national_id": ("PESEL", "Numer PESEL"),
        "password": ("Hasło", "Nowe hasło"),
        "payment_card": ("Numer karty", "Karta kredytowa"),
        "iban": ("IBAN", "Numer konta (IBAN)"),
        "not_date": ("Członek od", "Opublikowano", "Utworzono", "Ostatnie logowanie", "Data zamówienia"),
        "imei": ("Identyfikator urządzenia", "IMEI", "Numer seryjny"),
        "invoice": ("Numer faktury", "Numer przesyłki", "Numer zamówienia", "Numer klienta"),
        "product": ("Kod produktu", "Nr katalogowy"),
        "chrome": ("Zapisz", "Anuluj", "Moje konto", "Zamówienia", "Wyloguj", "Pomoc", "Szukaj"),
        "hello": ("Dzień dobry, proszę o aktualizację moich danych:", "Dziękuję za szybką odpowiedź!"),
    },
    "pt": {
        "lang": ("pt",),
        "phone": ("Telefone", "Telemóvel", "Celular", "Número de telefone"),
        "email": ("E-mail", "Endereço de e-mail"),
        "street_address": ("Morada", "Endereço", "Endereço de entrega"),
        "date_of_birth": ("Data de nascimento", "Nascimento"),
        "national_id": ("CPF", "NIF", "Número de contribuinte"),
        "password": ("Senha", "Palavra-passe", "Nova senha"),
        "payment_card": ("Número do cartão", "Cartão de crédito"),
        "iban": ("IBAN", "Conta bancária (IBAN)"),
        "not_date": ("Membro desde", "Publicado em", "Criado em", "Último acesso", "Data do pedido"),
        "imei": ("ID do dispositivo", "IMEI", "Número de série"),
        "invoice": ("Número da fatura", "Código de rastreio", "Número do pedido", "Número de cliente"),
        "product": ("Código do produto", "Referência"),
        "chrome": ("Guardar", "Cancelar", "Minha conta", "Pedidos", "Sair", "Ajuda", "Pesquisar"),
        "hello": ("Olá, por favor atualizem os meus dados:", "Obrigado pela resposta rápida!"),
    },
    "sv": {
        "lang": ("sv",),
        "phone": ("Telefon", "Telefonnummer", "Mobilnummer"),
        "email": ("E-post", "E-postadress"),
        "street_address": ("Adress", "Gatuadress", "Leveransadress"),
        "date_of_birth": ("Födelsedatum", "Född"),
        "national_id": ("Personnummer",),
        "password": ("Lösenord", "Nytt lösenord"),
        "payment_card": ("Kortnummer", "Kreditkort"),
        "iban": ("IBAN", "Bankkonto (IBAN)"),
        "not_date": ("Medlem sedan", "Publicerad", "Skapad", "Senast inloggad", "Orderdatum"),
        "imei": ("Enhets-ID", "IMEI", "Serienummer"),
        "invoice": ("Fakturanummer", "Sändningsnummer", "Ordernummer", "Kundnummer"),
        "product": ("Artikelnummer", "Produktkod"),
        "chrome": ("Spara", "Avbryt", "Mitt konto", "Beställningar", "Logga ut", "Hjälp", "Sök"),
        "hello": ("Hej, kan ni uppdatera mina uppgifter:", "Tack för snabbt svar!"),
    },
    "da": {
        "lang": ("da",),
        "phone": ("Telefon", "Telefonnummer", "Mobil", "Tlf."),
        "email": ("E-mail", "E-mailadresse"),
        "street_address": ("Adresse", "Leveringsadresse", "Vej og husnummer"),
        "date_of_birth": ("Fødselsdato", "Født"),
        "national_id": ("CPR-nummer", "CPR-nr."),
        "password": ("Adgangskode", "Ny adgangskode"),
        "payment_card": ("Kortnummer", "Betalingskort"),
        "iban": ("IBAN", "Bankkonto (IBAN)"),
        "not_date": ("Medlem siden", "Udgivet", "Oprettet", "Sidst logget ind", "Ordredato"),
        "imei": ("Enheds-ID", "IMEI", "Serienummer"),
        "invoice": ("Fakturanummer", "Forsendelsesnummer", "Ordrenummer", "Kundenummer"),
        "product": ("Varenummer", "Produktkode"),
        "chrome": ("Gem", "Annuller", "Min konto", "Ordrer", "Log ud", "Hjælp", "Søg"),
        "hello": ("Hej, vil I opdatere mine oplysninger:", "Tak for det hurtige svar!"),
    },
    "fi": {
        "lang": ("fi",),
        "phone": ("Puhelin", "Puhelinnumero", "Matkapuhelin"),
        "email": ("Sähköposti", "Sähköpostiosoite"),
        "street_address": ("Osoite", "Katuosoite", "Toimitusosoite"),
        "date_of_birth": ("Syntymäaika",),
        "national_id": ("Henkilötunnus", "Hetu"),
        "password": ("Salasana", "Uusi salasana"),
        "payment_card": ("Kortin numero", "Luottokortti"),
        "iban": ("IBAN", "Tilinumero (IBAN)"),
        "not_date": ("Jäsen vuodesta", "Julkaistu", "Luotu", "Päivitetty", "Tilauspäivä"),
        "imei": ("Laitteen tunnus", "IMEI", "Sarjanumero"),
        "invoice": ("Laskun numero", "Seurantakoodi", "Tilausnumero", "Asiakasnumero"),
        "product": ("Tuotekoodi",),
        "chrome": ("Tallenna", "Peruuta", "Oma tili", "Tilaukset", "Kirjaudu ulos", "Ohje", "Hae"),
        "hello": ("Hei, päivittäkää tietoni:", "Kiitos nopeasta vastauksesta!"),
    },
    "ja": {
        "lang": ("ja",),
        "phone": ("電話番号", "携帯電話", "連絡先電話番号"),
        "email": ("メールアドレス", "Eメール"),
        "street_address": ("住所", "お届け先住所", "ご住所"),
        "date_of_birth": ("生年月日", "誕生日"),
        "national_id": ("マイナンバー", "個人番号"),
        "password": ("パスワード", "新しいパスワード"),
        "payment_card": ("カード番号", "クレジットカード番号"),
        "iban": ("IBAN",),
        "not_date": ("登録日", "公開日", "作成日", "最終ログイン", "注文日"),
        "imei": ("端末ID", "IMEI", "製造番号"),
        "invoice": ("請求書番号", "追跡番号", "注文番号", "会員番号"),
        "product": ("商品コード", "型番"),
        "chrome": ("保存", "キャンセル", "マイアカウント", "注文履歴", "ログアウト", "ヘルプ", "検索"),
        "hello": ("お世話になっております。登録情報の変更をお願いします：", "ご返信ありがとうございます。"),
    },
    "zh": {
        "lang": ("zh",),
        "phone": ("手机号码", "联系电话", "电话"),
        "email": ("电子邮箱", "邮箱"),
        "street_address": ("地址", "收货地址", "详细地址"),
        "date_of_birth": ("出生日期", "生日"),
        "national_id": ("身份证号", "身份证号码"),
        "password": ("密码", "新密码", "确认密码"),
        "payment_card": ("银行卡号", "信用卡号"),
        "iban": ("IBAN",),
        "not_date": ("注册时间", "发布时间", "创建日期", "最后登录", "下单时间"),
        "imei": ("设备ID", "IMEI", "序列号"),
        "invoice": ("发票号码", "快递单号", "订单号", "会员号"),
        "product": ("商品编号", "型号"),
        "chrome": ("保存", "取消", "我的账户", "我的订单", "退出", "帮助", "搜索"),
        "hello": ("您好，请帮我更新以下信息：", "谢谢您的回复！"),
    },
    "ko": {
        "lang": ("ko",),
        "phone": ("전화번호", "휴대폰 번호", "연락처"),
        "email": ("이메일", "이메일 주소"),
        "street_address": ("주소", "배송지 주소"),
        "date_of_birth": ("생년월일", "생일"),
        "national_id": ("주민등록번호",),
        "password": ("비밀번호", "새 비밀번호"),
        "payment_card": ("카드번호", "신용카드 번호"),
        "iban": ("IBAN",),
        "not_date": ("가입일", "게시일", "작성일", "최근 로그인", "주문일"),
        "imei": ("기기 ID", "IMEI", "일련번호"),
        "invoice": ("인보이스 번호", "운송장 번호", "주문번호", "회원번호"),
        "product": ("상품코드", "모델명"),
        "chrome": ("저장", "취소", "내 계정", "주문 내역", "로그아웃", "도움말", "검색"),
        "hello": ("안녕하세요, 제 정보를 수정해 주세요:", "빠른 답변 감사합니다!"),
    },
}

# a sentence of a forum or tracker post that names the value in running text: {l} the label, lower case
SENTENCES: dict[str, tuple[str, ...]] = {
    "en": ("My {l} is {v}, thanks.", "Please use {v} as my {l} from now on.", "Update my {l} to {v} please."),
    "de": ("Meine {l} lautet {v}.", "Bitte ändern Sie die {l} auf {v}.", "Hier ist meine {l}: {v}"),
    "fr": ("Mon {l} est {v}.", "Merci de changer mon {l} en {v}.", "Voici mon {l} {v} pour le dossier."),
    "es": ("Mi {l} es {v}.", "Por favor cambien mi {l} a {v}.", "Les dejo mi {l} {v} por si acaso."),
    "it": ("Il mio {l} è {v}.", "Per favore aggiornate il mio {l} con {v}.", "Vi lascio il mio {l} {v}."),
    "nl": ("Mijn {l} is {v}.", "Graag mijn {l} wijzigen naar {v}.", "Hierbij mijn {l} {v}."),
    "pl": ("Mój {l} to {v}.", "Proszę zmienić {l} na {v}.", "Podaję {l} {v}."),
    "pt": ("O meu {l} é {v}.", "Por favor alterem o {l} para {v}.", "Segue o meu {l} {v}."),
    "sv": ("Mitt {l} är {v}.", "Ändra mitt {l} till {v}, tack.", "Här är mitt {l} {v}."),
    "da": ("Mit {l} er {v}.", "Ret venligst mit {l} til {v}.", "Her er mit {l} {v}."),
    "fi": ("{L} on {v}.", "Vaihtakaa {l} {v}, kiitos.", "Tässä {l} {v}."),
    "ja": ("{l}は{v}です。", "{l}を{v}に変更してください。", "私の{l}：{v}"),
    "zh": ("我的{l}是{v}。", "请把{l}改成{v}，谢谢。", "{l}{v}"),
    "ko": ("제 {l}은 {v}입니다.", "{l}을 {v}(으)로 변경해 주세요.", "{l} {v}"),
}

PRIVATE_TYPES = ("phone", "email", "street_address", "date_of_birth", "national_id", "password", "payment_card", "iban")
DATE_STYLES = ("short", "medium", "long")


@dataclass
class Values:
    """One locale's value generators (a fake-data library's), each returning the printed value."""

    private: dict[str, Callable[[], str]]
    old_date: Callable[[], str]  # a date of the past that is no birth date (printed like a birth date)
    imei: Callable[[], str]
    product_code: Callable[[], str]  # phone-shaped
    person: Callable[[], str]
    city: Callable[[], str]


def _luhn_complete(body: str) -> str:
    from symbiotic_gym.privacy.detector import luhn_check_digit

    return body + luhn_check_digit(body)


def _print_date(d: date, babel_locale: str, r: random.Random) -> str:
    from babel.dates import format_date

    style = r.choice(DATE_STYLES)
    text = format_date(d, style, locale=babel_locale)
    if style == "short" and str(d.year) not in text:  # a two-digit year: print the medium form
        text = format_date(d, "medium", locale=babel_locale)
    return text


PRODUCT_CODE_SHAPES = ("0### ### ###", "0##-###-####", "+## ### ### ###", "(0##) ### ####")  # phone-shaped


def faker_values(locale: str, babel_locale: str, r: random.Random, seed: int) -> Values:
    from faker import Faker

    f = Faker(locale)
    f.seed_instance(seed)

    def address() -> str:
        if locale in ("ja_JP", "zh_CN", "ko_KR") or r.random() < 0.5:
            return f.address().replace("\n", ", ")
        return f.street_address()

    def national_id() -> str:
        special = {
            "de_DE": lambda: f.numerify("## ### ### ###"),  # Steuer-ID shape (check digit not computed)
            "es_ES": lambda: r.choice((f.nif, f.nie))(),
            "pl_PL": lambda: f.pesel(),
            "pt_PT": lambda: f.vat_id()[2:],
            "pt_BR": lambda: f.cpf(),
            "da_DK": lambda: f.date_of_birth(minimum_age=18).strftime("%d%m%y") + "-" + f.numerify("####"),
            "ja_JP": lambda: f.numerify("#### #### ####"),
        }
        return special.get(locale, lambda: f.ssn())()

    def card() -> str:
        number = f.credit_card_number()
        if r.random() < 0.5 and len(number) == 16:
            return " ".join(number[i : i + 4] for i in range(0, 16, 4))
        return number

    def iban() -> str:
        value = f.iban()
        return " ".join(value[i : i + 4] for i in range(0, len(value), 4)) if r.random() < 0.4 else value

    def dob() -> str:
        return _print_date(f.date_of_birth(minimum_age=18, maximum_age=90), babel_locale, r)

    private: dict[str, Callable[[], str]] = {
        "phone": f.phone_number,
        "email": f.email,
        "street_address": address,
        "date_of_birth": dob,
        "national_id": national_id,
        "password": lambda: f.password(length=r.randint(8, 16), special_chars=r.random() < 0.7),
        "payment_card": card,
    }
    if locale not in ("ja_JP", "zh_CN", "ko_KR", "en_US", "sv_SE"):  # Faker's IBAN for these is British
        private["iban"] = iban
    return Values(
        private=private,
        old_date=lambda: _print_date(f.date_between(date(1950, 1, 1), date(2012, 12, 31)), babel_locale, r),
        imei=lambda: _luhn_complete(f.numerify("35########" + "####")),
        product_code=lambda: f.numerify(r.choice(PRODUCT_CODE_SHAPES)),
        person=f.name,
        city=f.city,
    )


def mimesis_values(locale: str, babel_locale: str, r: random.Random, seed: int) -> Values:
    from mimesis import Address, Code, Datetime, Locale, Payment, Person

    loc = Locale(LOCALES[locale][2])
    person, addr, when = Person(loc, seed=seed), Address(loc, seed=seed), Datetime(loc, seed=seed)
    pay, code = Payment(seed=seed), Code(seed=seed)

    def dob() -> str:
        d = when.date(start=1935, end=2006)
        return d.strftime(when._dataset["formats"]["date"]) if r.random() < 0.5 else _print_date(d, babel_locale, r)

    def address() -> str:
        return addr.address() if r.random() < 0.6 else f"{addr.address()}, {addr.postal_code()} {addr.city()}"

    return Values(
        private={
            "phone": person.telephone,
            "email": person.email,
            "street_address": address,
            "date_of_birth": dob,
            "password": lambda: person.password(length=r.randint(8, 14)),
            "payment_card": pay.credit_card_number,
        },
        old_date=lambda: _print_date(when.date(start=1950, end=2012), babel_locale, r),
        imei=code.imei,
        product_code=lambda: person.telephone(mask=r.choice(("0###-###-###", "### ### ####", "(###) ###-####"))),
        person=person.full_name,
        city=addr.city,
    )


# --- page templates: {L} a label, {v} the value, {n} an element id, {o} another column's value -------------


def _chrome(r: random.Random, words: dict[str, tuple[str, ...]]) -> str:
    n = r.randint(2, 300)
    return r.choice(
        (f"[{n}] button '{r.choice(words['chrome'])}'", f"[{n}] link '{r.choice(words['chrome'])}'",
         f"heading '{r.choice(words['chrome'])}'", f"StaticText '{r.randint(2, 999)},{r.randint(0, 99):02d} €'")
    )  # fmt: skip


def _q(value: str) -> str:
    return value.replace("'", "’")


def _requote(head: str, tail: str, value: str) -> tuple[str, str] | None:
    """Quote a value holding ``'`` the way the observation writer (``repr``) and Python do: with ``"``
    around the whole quoted string it stands in; None for a value that would need escapes."""
    if "\\" in value or ("'" in value and '"' in value):
        return None
    if "'" not in value:
        return head, tail
    opening, closing = head.rfind("'"), tail.find("'")
    if opening == -1 or closing == -1 or "\n" in head[opening:] or "\n" in tail[:closing]:
        return head, tail  # not inside a quoted string (a plain text line)
    return head[:opening] + '"' + head[opening + 1 :], tail[:closing] + '"' + tail[closing + 1 :]


FAMILY_A = ("form_named", "form_label_line", "table", "account", "message", "action", "sentence")
FAMILY_B = ("form_star", "cells", "definition", "inline", "chat", "action_line", "sentence")


def render(
    context: str, r: random.Random, label: str, v: str, words: dict[str, tuple[str, ...]], values: Values
) -> tuple[str, str]:
    """(head, tail) around the value: the text is head + value + tail."""
    n = r.randint(2, 400)
    if context == "form_named":
        return f"[{n}] textbox '{label}'{r.choice(('', ', required'))}, value='", "'"
    if context == "form_star":
        return f"group '{label}'\n\t[{n}] textbox '{label} *', value='", "'"
    if context == "form_label_line":
        if r.random() < 0.5:
            return f"LabelText ''\n\tStaticText '{label}'\n[{n}] textbox '', value='", "'"
        return f"LabelText '{label}'\n[{n}] textbox '', value='", "'"
    if context in ("table", "cells"):
        cell = "gridcell" if context == "table" else "cell"
        other = values.person()
        if r.random() < 0.5:
            head = f"table ''\n\trow ''\n\t\tcolumnheader 'Name'\n\t\tcolumnheader '{label}'\n\trow ''\n"
            head += f"\t\t{cell} '{_q(other)}'\n\t\t{cell} '"
            return head, f"'\n\trow ''\n\t\t{cell} '{_q(values.person())}'\n\t\t{cell} ''"
        head = f"table ''\n\trow ''\n\t\tcolumnheader '{label}'\n\t\tcolumnheader '{r.choice(words['chrome'])}'\n"
        head += f"\trow ''\n\t\t{cell} '"
        return head, f"'\n\t\t{cell} '{_q(values.city())}'"
    if context == "account":
        return f"heading '{r.choice(words['chrome'])}'\nStaticText '{label}'\nStaticText '", "'"
    if context == "definition":
        return f"term '{label}'\ndefinition '", "'"
    if context == "inline":
        return f"StaticText '{label}: ", "'"
    if context == "message":
        return f"article ''\n\tparagraph ''\n\t\tStaticText '{r.choice(words['hello'])} {label}: ", "'"
    if context == "chat":
        return f"{r.choice(words['hello'])}\n{label}: ", ""
    if context == "sentence":
        frame = r.choice(SENTENCES[words["lang"][0]])
        head, _, tail = frame.replace("{L}", label).replace("{l}", label.lower()).partition("{v}")
        if r.random() < 0.5:
            return f"article ''\n\tparagraph ''\n\t\tStaticText '{head}", f"{tail}'"
        return head, tail
    if context == "action":
        page = f"[{n}] textbox '{label}'" if r.random() < 0.6 else f"LabelText '{label}'\n[{n}] textbox ''"
        return f"{page}\n{_chrome(r, words)}\nfill('{n}', '", "')"
    if context == "action_line":
        button = f"[{n + 1}] button '{r.choice(words['chrome'])}'"
        return f"StaticText '{label}'\n[{n}] textbox ''\n{button}\nfill('{n}', '", "')"
    raise ValueError(context)


def web_set(n: int, seed: int, source: str = "faker") -> list[LabelledText]:
    """``n`` texts over the 16 locales; ``source``: faker (family A templates) or mimesis (family B)."""
    r = random.Random(seed)
    make = faker_values if source == "faker" else mimesis_values
    family = FAMILY_A if source == "faker" else FAMILY_B
    values = {loc: make(loc, babel, r, seed * 100 + i) for i, (loc, (_, babel, _)) in enumerate(LOCALES.items())}
    out = []
    for i in range(n):
        locale = list(LOCALES)[i % len(LOCALES)]
        words = PAGE_WORDS[LOCALES[locale][0]]
        vals = values[locale]
        parts: list[tuple[str, str, str | None, str]] = []  # (head, tail, type or None, value)
        contexts = []
        if r.random() >= 0.45:  # a private text: one or two private values
            for _ in range(r.choice((1, 1, 2))):
                kind = r.choice(list(vals.private))
                context = r.choice(family)
                value = vals.private[kind]().strip().replace("\n", ", ")
                if context.startswith("action") and kind in ("street_address",):
                    context = family[0]
                label = _q(r.choice(words[kind]))
                quoted = _requote(*render(context, r, label, value, words, vals), value)
                if quoted is None:
                    continue
                parts.append((*quoted, kind, value))
                contexts.append(context)
        for _ in range(r.choice((1, 1, 2, 3))):  # hard look-alikes, in the same page shapes
            what = r.choice(("not_date", "imei", "invoice", "product", "not_date", "chrome"))
            if what == "chrome":
                parts.append((_chrome(r, words), "", None, ""))
                continue
            value = {
                "not_date": vals.old_date,
                "imei": vals.imei,
                "invoice": lambda: _luhn_complete(str(r.randint(10**14, 10**15 - 1))),
                "product": vals.product_code,
            }[what]()
            context = r.choice([c for c in family if not c.startswith("action")])
            head, tail = render(context, r, _q(r.choice(words[what])), value, words, vals)
            parts.append((head, tail, None, value))  # look-alikes hold no quotes
            contexts.append(f"neg-{context}")
        r.shuffle(parts)
        text, labels = "", []
        for head, tail, kind, value in parts:
            if text:
                text += "\n"
            if kind is not None:
                labels.append((kind, len(text) + len(head), len(text) + len(head) + len(value)))
            text += head + value + tail
        out.append(LabelledText(text, labels, f"web:{locale}:{'+'.join(sorted(set(contexts)))}"))
    return out
