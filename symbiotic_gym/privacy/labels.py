"""Field labels and cue words in many languages: what a label says its value is.

A value's label is its field's accessible name, the label line before it, its table column's header, the
text before it on its line ("Teléfono: ...") or the element an action writes into
(:mod:`symbiotic_gym.privacy.fields` finds them). :func:`label_kind` reads a label; :func:`nearest_cue`
reads the text before a value and returns the kind of the cue nearest to it.

Kinds are private-data types (``phone``, ``date_of_birth``, ``national_id``, ...) or one of two vetoes:
``not_date`` (a date that is not a birth date: *Member since*, *Published*, *Erstellt am*, 登録日) and
``not_number`` (a number that is an id of a thing, not of a person: serial numbers, IMEIs, device ids,
invoice, order, tracking and product numbers).

The words are ours: no maintained multilingual lexicon of form-field labels exists as a package (CLDR has
no such data; Babel gives month names, used in :mod:`symbiotic_gym.privacy.dates`). They cover English,
the EU's larger languages (de, fr, es, it, nl, pl, pt, sv, da, fi, cs, ro, hu, el), Norwegian, Portuguese
(BR), Japanese, Chinese and Korean. A term ending in ``*`` is a prefix (``telefon*``: Telefonnummer,
telefono, telefone), one starting with ``*`` the end of a compound word (``*adresse``: Lieferadresse,
``*osoite``: Toimitusosoite); other Latin terms are whole words; terms in CJK scripts match anywhere (those
scripts do not separate words).
"""

from __future__ import annotations

import re
from functools import lru_cache

VETOES = {
    "not_date": frozenset({"date_of_birth"}),
    "not_number": frozenset({"payment_card", "phone", "national_id", "us_ssn", "iban", "one_time_code"}),
}

LEXICON: dict[str, tuple[str, ...]] = {
    "password": (
        "password*", "passwort*", "kennwort*", "passcode", "passphrase", "pwd", "pin", "pin code", "pin-code",
        "mot de passe", "mdp", "contraseña*", "contrasena*", "clave de acceso", "wachtwoord*", "hasło", "hasła",
        "haslo", "senha*", "palavra-passe", "palavra passe", "palavras-passe", "lösenord*", "losenord*",
        "adgangskode*", "kodeord*", "passord*", "salasana*",
        "heslo", "hesla", "jelszó", "jelszo", "parolă", "parola", "κωδικός", "пароль", "パスワード", "暗証番号",
        "密码", "密碼", "口令", "비밀번호", "암호",
    ),
    "one_time_code": (
        "one-time code", "one time code", "one-time password", "otp", "verification code", "security code",
        "2fa code", "auth code", "bestätigungscode*", "sicherheitscode*", "code de vérification", "code de sécurité",
        "código de verificación", "código de seguridad", "codice di verifica", "verificatiecode*",
        "kod weryfikacyjny", "código de verificação", "verifieringskod*", "bekræftelseskode*", "cvc", "cvv", "cvv2",
        "確認コード", "認証コード", "验证码", "驗證碼", "인증번호", "인증 코드",
    ),
    "phone": (
        "phone*", "telephone*", "tel", "tel.", "tél", "tél.", "mobile*", "mobil*", "cell", "cellphone", "cell phone",
        "fax", "telefon*", "telephon*", "téléphone*", "teléfono*", "telefono*", "telefone*", "telefoon*",
        "handy*", "rufnummer*", "festnetz*", "portable", "numéro de portable", "móvil", "movil", "celular*",
        "cellulare", "mobiel*", "gsm", "komórk*", "komork*", "numer tel*", "telemóvel", "telemovel", "tlf", "tlf.",
        "puhelin*", "matkapuhelin*", "puh", "puh.", "whatsapp", "contact number", "contact phone", "kontakttelefon*",
        "電話*", "携帯*", "連絡先", "电话", "電話", "手机", "手機", "联系电话", "联系方式", "전화*", "휴대폰*",
        "핸드폰*", "연락처*", "call me", "llamar*", "llámame", "llamame", "chiamami", "chiamar*", "anrufen", "ruf mich",
        "rufen sie mich", "appelez-moi", "appelle-moi", "m'appeler", "bel me", "ring mig", "ring til mig", "ligue",
        "ligue-me", "ligar para", "zadzwoń", "zadzwon", "soita",
    ),
    "email": (
        "email*", "e-mail*", "e mail*", "email address", "e-mail address", "e-mail-adresse", "emailadresse",
        "e-mailadresse", "e-mailadres", "e-post*", "epost*", "adresse e-mail", "adresse électronique",
        "adresse mail", "dirección de correo", "dirección de email", "indirizzo e-mail", "endereço de e-mail",
        "endereço de email", "adres e-mail", "adres email", "sähköpostiosoite", "이메일 주소", "メールアドレス",
        "電子メール", "邮件地址", "電子郵件地址", "*mailadresse", "*mailadres", "courriel*", "correo electrónico",
        "correo", "posta elettronica",
        "indirizzo email", "sähköposti*", "メール*", "メールアドレス", "邮箱", "电子邮件", "電子郵件", "이메일*",
        "전자우편",
    ),
    "street_address": (
        "address*", "street*", "adresse*", "anschrift*", "straße*", "strasse*", "hausnummer*", "wohnort*",
        "wohnanschrift*", "lieferadresse*", "rechnungsadresse*", "domicile", "dirección*", "direccion*",
        "domicilio*", "calle", "indirizz*", "residenza", "adres*", "straat*", "adresa*", "ulica", "endereço*",
        "endereco*", "morada*", "logradouro*", "rua", "gatuadress*", "postadress*", "leveringsadresse*",
        "bopæl*", "osoite*", "katuosoite*", "lakcím*", "διεύθυνση", "адрес*", "住所", "所在地", "送付先", "お届け先",
        "地址", "住址", "收货地址", "주소*", "배송지*", "husnummer*", "vej og husnummer", "*adresse", "*adres",
        "*adress", "*osoite", "*anschrift", "*straße", "*strasse",
    ),
    "date_of_birth": (
        "date of birth", "birth*", "born", "dob", "d.o.b.", "d.o.b", "geburts*", "geboren", "geb.", "geb",
        "date de naissance", "naissance", "né le", "née le", "né(e) le", "fecha de nacimiento", "nacimiento",
        "nacido", "nacida", "f. nacimiento", "data di nascita", "nascita", "nato il", "nata il", "nato", "nata",
        "geboortedatum", "geboren op", "data urodzenia", "urodzenia", "urodzony", "urodzona", "urodzin*",
        "data de nascimento", "nascimento", "nascido", "nascida", "dt. nasc.", "födelsedatum", "födelsedag",
        "född", "fødselsdato", "fødselsdag", "født", "syntymäaika", "syntymäpäivä", "syntynyt", "datum narození",
        "narozen*", "data nașterii", "data nasterii", "születési*", "ημερομηνία γέννησης", "生年月日", "誕生日",
        "出生日期", "出生年月", "生日", "出生", "생년월일", "생일", "출생*",
    ),
    "national_id": (
        "ssn", "social security*", "soc. sec.", "soc sec", "ss#", "national id*", "national insurance*", "ni number",
        "nino", "identity number", "identity card*", "id number", "id no", "id no.", "id card*", "personal id*",
        "personal number", "personal identity*", "tax id", "taxpayer id", "tin", "itin", "sin", "social insurance*",
        "passport*",
        "steuer-id", "steuerid*", "steuer-identifikationsnummer", "steueridentifikationsnummer", "steuernummer",
        "sozialversicherung*", "versicherungsnummer", "rentenversicherung*", "svnr", "sv-nummer", "personalausweis*",
        "ausweis*", "identifikationsnummer", "reisepass*", "ahv*", "avs", "numéro de sécurité sociale",
        "sécurité sociale", "securite sociale", "nir", "insee", "carte d'identité", "numéro fiscal", "passeport*",
        "dni", "nie", "nif", "nss", "documento de identidad", "número de identidad", "n.º de identidad",
        "seguridad social", "pasaporte*", "cédula*", "cedula*", "codice fiscale", "cod. fiscale", "c.f.",
        "tessera sanitaria", "carta d'identità", "passaporto*", "bsn", "burgerservicenummer*", "sofinummer*",
        "paspoort*", "pesel", "nip", "numer dowodu", "dowód osobisty", "dowod osobisty", "paszport*", "cpf",
        "rg", "cartão de cidadão", "cartao de cidadao", "número de contribuinte", "nº de contribuinte",
        "nic", "identidade", "passaporte*", "personnummer*", "personnr", "pers.nr", "samordningsnummer*",
        "cpr", "cpr-nummer", "cpr-nr", "cpr nr", "personnummeret", "fødselsnummer*", "henkilötunnus*", "hetu",
        "sotu", "rodné číslo", "rodne cislo", "cnp", "taj", "adóazonosító*", "αμκα", "μύφ", "マイナンバー",
        "個人番号", "身份证*", "身分證*", "公民身份号码", "居民身份证", "주민등록번호", "주민번호", "외국인등록번호",
    ),
    "payment_card": (
        "card number", "card no", "card no.", "card #", "credit card*", "debit card*", "cardholder number",
        "kartennummer*", "kreditkarte*", "karte", "karten-nr", "numéro de carte", "carte bancaire", "carte de crédit",
        "número de tarjeta", "tarjeta*", "numero di carta", "numero carta", "carta di credito", "kaartnummer*",
        "creditcard*", "numer karty", "karta płatnicza", "karta kredytowa", "número do cartão", "cartão de crédito",
        "cartão*", "kortnummer*", "kreditkort*", "betalkort*", "betalingskort*", "kortti", "kortin numero",
        "カード番号", "クレジットカード", "卡号", "信用卡", "银行卡", "卡號", "카드번호", "카드 번호", "신용카드",
    ),
    "iban": (
        "iban", "iban-nummer", "bank account", "account number", "kontonummer", "bankverbindung", "numéro de compte",
        "coordonnées bancaires", "rib", "número de cuenta", "cuenta bancaria", "conto corrente", "numero di conto",
        "rekeningnummer", "bankrekening*", "numer konta", "nr konta", "número da conta", "conta bancária",
        "tilinumero", "bankkonto*", "口座番号", "银行账号", "銀行帳號", "계좌번호",
    ),
    "not_date": (
        "member since", "joined", "registered", "registered on", "created", "created on", "created at", "updated",
        "last updated", "modified", "last modified", "last login", "last seen", "last active", "published",
        "posted", "posted on", "date posted", "order date", "ordered on", "ordered", "shipped", "shipped on",
        "delivered", "delivered on", "invoice date", "due", "due date", "expires", "expiry", "expiry date",
        "expiration", "valid until", "valid from", "issued", "issued on", "issue date", "released", "release date",
        "opened", "closed", "since", "deadline", "start date", "end date", "paid on", "payment date", "signed up",
        "uploaded", "edited", "reviewed", "purchased", "purchase date", "booked", "return by",
        "mitglied seit", "seit", "erstellt*", "angelegt*", "aktualisiert*", "geändert*", "bearbeitet*",
        "veröffentlicht*", "bestelldatum", "bestellt am", "lieferdatum", "geliefert am", "versand*", "versendet am",
        "rechnungsdatum", "fällig*", "gültig*", "ablauf*", "registriert*", "letzte anmeldung", "zuletzt*",
        "eingestellt am", "erschienen*", "kaufdatum", "gekauft am",
        "membre depuis", "depuis", "créé*", "cree le", "publié*", "publie le", "mis à jour", "modifié*",
        "date de commande", "commandé le", "expédié*", "livré*", "date de livraison", "date de facture", "échéance",
        "expire*", "valable jusqu'au", "inscrit*", "dernière connexion", "date d'achat", "paru le",
        "miembro desde", "desde", "creado*", "publicado*", "actualizado*", "modificado*", "fecha de pedido",
        "pedido el", "enviado*", "entregado*", "fecha de entrega", "fecha de factura", "vence*", "vencimiento",
        "caduca*", "válido hasta", "registrado*", "último acceso", "ultimo acceso", "fecha de compra",
        "fecha de alta",
        "alta",
        "membro dal", "membro da", "iscritto dal", "iscritto*", "dal", "creato*", "pubblicato*", "aggiornato*",
        "modificato*", "data ordine", "data dell'ordine", "ordinato il", "spedito*", "consegnato*",
        "data di consegna", "data fattura", "scadenza", "scade*", "valido fino*", "registrato*", "ultimo accesso",
        "data di acquisto", "data di iscrizione",
        "lid sinds", "sinds", "aangemaakt*", "gepubliceerd*", "bijgewerkt*", "gewijzigd*", "besteldatum",
        "besteld op", "verzonden*", "geleverd*", "leverdatum", "factuurdatum", "vervaldatum", "verloopt*",
        "geldig tot", "geregistreerd*", "laatst*", "aankoopdatum",
        "członek od", "czlonek od", "od", "utworzono", "utworzony", "opublikowano", "opublikowany", "zaktualizowano",
        "zmodyfikowano", "data zamówienia", "data zamowienia", "wysłano", "wyslano", "dostarczono", "data dostawy",
        "data faktury", "termin płatności", "ważne do", "wazne do", "zarejestrowany*", "ostatnie logowanie",
        "data zakupu", "data dodania", "dodano",
        "membro desde", "criado*", "atualizado*", "actualizado em", "modificado em", "data do pedido",
        "enviado em", "entregue em", "data de entrega", "data da fatura", "vencimento", "válido até", "registado*",
        "cadastrado*", "cadastro", "último acesso", "ultimo acesso", "data da compra", "publicado em",
        "medlem sedan", "sedan", "skapad*", "publicerad*", "uppdaterad*", "ändrad*", "orderdatum", "beställd*",
        "skickad*", "levererad*", "leveransdatum", "fakturadatum", "förfallodatum", "giltig*", "registrerad*",
        "senast*", "köpdatum",
        "medlem siden", "siden", "oprettet*", "udgivet*", "offentliggjort*", "opdateret*", "ændret*",
        "ordredato", "bestilt*", "afsendt*", "sendt*", "leveret*", "leveringsdato", "fakturadato", "forfaldsdato",
        "gyldig*", "registreret*", "seneste*", "sidst*", "købsdato", "publisert*", "oppdatert*", "opprettet*",
        "jäsen vuodesta", "luotu", "julkaistu", "päivitetty", "tilauspäivä", "toimitettu", "eräpäivä",
        "登録日", "会員登録", "作成日", "更新日", "公開日", "投稿日", "注文日", "発送日", "配送日", "お届け日",
        "請求日",
        "有効期限", "購入日", "最終ログイン", "発売日", "登録", "作成", "更新", "公開", "投稿", "注文",
        "注册", "註冊", "创建", "建立", "发布", "發布", "发表", "更新于", "下单", "订单日期", "发货", "送达", "到期",
        "有效期", "购买日期", "最后登录", "加入",
        "가입일", "가입", "작성일", "등록일", "수정일", "게시일", "업데이트", "주문일", "배송일", "발송일", "만료",
        "유효기간", "구매일", "최근 로그인", "마지막 로그인",
    ),
    "not_number": (
        "serial*", "s/n", "sn", "imei", "imei number", "meid", "device id", "device number", "device",
        "hardware id", "mac", "model*", "part number", "part no", "mpn", "sku", "asin", "isbn", "ean", "gtin", "upc",
        "barcode", "product code", "product id", "product no", "item number", "item no", "item #", "article*",
        "invoice*", "order*", "tracking*", "shipment*", "parcel*", "consignment*", "waybill", "reference*",
        "ref", "ref.", "ticket*", "case*", "booking*", "reservation*", "confirmation*", "transaction*", "receipt*",
        "customer number", "customer id", "customer no", "user id", "member id", "member number", "membership*",
        "account id", "license*", "licence*", "lot", "batch", "version", "build", "issue", "patent*", "policy*",
        "vat", "vat id", "vat number", "ust-idnr", "zip", "postcode", "postal code", "plz", "cap", "flight*",
        "seriennummer*", "serien-nr", "seriennr", "gerätenummer*", "geräte-id", "geräte id", "gerätekennung",
        "modellnummer*", "artikelnummer*", "artikel-nr", "art.-nr", "art.-nr.", "artikel*", "produktnummer*",
        "produktcode*", "rechnung*", "bestell*", "sendungs*", "paketnummer*", "auftrag*", "kundennummer*",
        "vorgangsnummer*", "buchungsnummer*", "lizenz*", "chargen*", "referenz*", "aktenzeichen",
        "numéro de série", "n° de série", "identifiant de l'appareil", "identifiant appareil", "appareil",
        "référence*", "réf", "réf.", "code produit", "code article", "facture*", "commande*", "n° de commande",
        "numéro de suivi", "suivi*", "colis", "numéro client", "réservation*", "licence*", "lot n°",
        "número de serie", "nº de serie", "id del dispositivo", "dispositivo", "referencia*", "código de producto",
        "código de artículo", "artículo", "factura*", "pedido*", "número de pedido", "seguimiento*",
        "número de envío",
        "número de cliente", "reserva*", "licencia*", "lote",
        "numero di serie", "n. di serie", "id dispositivo", "codice prodotto", "codice articolo", "articolo",
        "riferimento*", "fattura*", "ordine*", "numero d'ordine", "tracciamento*", "numero di spedizione",
        "numero cliente",
        "codice cliente", "prenotazione*", "licenza*", "lotto",
        "serienummer*", "apparaat-id", "apparaat id", "apparaat*", "productcode*", "artikelnummer*",
        "referentie*", "factuur*", "factuurnummer*", "bestelling*", "bestelnummer*", "ordernummer*", "track & trace",
        "track en trace", "zending*", "volgnummer*", "klantnummer*", "boeking*", "licentie*",
        "numer seryjny", "nr seryjny", "identyfikator urządzenia", "urządzenie", "kod produktu", "nr katalogowy",
        "artykuł*", "faktura*", "faktury", "zamówienie*", "zamowienie*", "nr zamówienia", "numer zamówienia",
        "przesyłk*", "przesylk*", "numer klienta", "rezerwacja*", "licencja*",
        "número de série", "nº de série", "id do dispositivo", "código do produto", "referência*",
        "fatura*", "encomenda*", "número do pedido", "rastreamento*", "rastreio*", "código de rastreio",
        "licença*", "*seriennummer", "*rechnungsnummer", "*bestellnummer", "*kundennummer", "*artikelnummer",
        "*sendungsnummer", "*ordernummer", "*fakturanummer", "*serienummer", "*kundnummer", "*varenummer",
        "*ordrenummer",
        "serienummer", "enhets-id", "enhet*", "produktkod*", "artikelnr", "fakturanummer*", "beställning*",
        "ordernummer*", "spårning*", "sändningsnummer*", "kolli*", "kundnummer*", "bokning*", "licens*",
        "enheds-id", "enhed*", "varenummer*", "varenr", "fakturanr", "ordrenummer*", "ordre*", "forsendelse*",
        "pakkenummer*", "kundenummer*", "booking*", "sporing*", "sarjanumero*", "laite*", "laitteen*", "tunnus",
        "tuotekoodi*",
        "lasku*", "tilaus*", "seuranta*", "asiakasnumero*",
        "シリアル*", "製造番号", "端末id", "端末番号", "機種", "型番", "品番", "商品コード", "商品番号",
        "請求書*", "注文番号", "受注番号", "追跡番号", "お問い合わせ番号", "伝票番号", "会員番号", "予約番号",
        "序列号", "序號", "设备id", "设备号", "設備", "型号", "货号", "商品编号", "发票*", "订单*", "訂單*",
        "运单号", "快递单号", "物流单号", "追踪号", "会员号", "预订号",
        "시리얼*", "일련번호", "기기 id", "기기번호", "모델*", "상품코드", "상품번호", "품번", "송장*", "인보이스*",
        "주문번호", "운송장*", "배송조회", "회원번호", "예약번호",
    ),
}  # fmt: skip

# words: runs of letters or digits of one script (CJK apart: "我的imei是3582..." holds the word "imei")
_CJK_RANGE = "\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff"
_WORD = re.compile(rf"[^\W_{_CJK_RANGE}]+|[{_CJK_RANGE}]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
MAX_WORDS = 4  # the longest term ("date of birth", "numéro de sécurité sociale")


def _key(term: str) -> str:
    """A term or a run of words without case, spaces and punctuation: how they are compared."""
    return "".join(_WORD.findall(term.lower()))


@lru_cache(maxsize=1)
def _lexicon() -> tuple[
    dict[str, str], dict[str, list[tuple[str, str]]], dict[str, list[tuple[str, str]]], tuple[tuple[str, str], ...]
]:
    """Whole terms by key, prefix terms by their first two characters, CJK terms by their first character
    (longest first), and the compound-word endings."""
    whole: dict[str, str] = {}
    prefixes: dict[str, list[tuple[str, str]]] = {}
    cjk: dict[str, list[tuple[str, str]]] = {}
    suffixes: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for kind, terms in LEXICON.items():
        for term in terms:
            key = _key(term)
            if seen.setdefault(key, kind) != kind:
                raise ValueError(f"label term {term!r} is listed as both {seen[key]} and {kind}")
            if _CJK.search(term):
                cjk.setdefault(term[0].lower(), []).append((term.lower().rstrip("*"), kind))
            elif term.startswith("*"):
                suffixes.append((key, kind))
            elif term.endswith("*"):  # by word count too: a prefix ends inside its last word
                prefixes.setdefault(f"{_words(term)}|{key[:2]}", []).append((key, kind))
            else:  # by word count too: "s in" is not "sin"
                whole[f"{_words(term)}|{key}"] = kind
    for group in [*prefixes.values(), *cjk.values()]:
        group.sort(key=lambda p: len(p[0]), reverse=True)
    return whole, prefixes, cjk, tuple(sorted(suffixes, key=lambda p: len(p[0]), reverse=True))


def _words(term: str) -> int:
    return len(_WORD.findall(term.lower()))


@lru_cache(maxsize=1)
def _first_words() -> frozenset[str]:
    """The first words of the terms of several words: only there is a longer term worth trying."""
    return frozenset(
        _WORD.findall(t.lower())[0] for terms in LEXICON.values() for t in terms if len(_WORD.findall(t)) > 1
    )


def _term_at(keys: list[str]) -> tuple[int, str] | None:
    """The longest term made of the first words of ``keys``: (number of words, kind)."""
    whole, prefixes, _, suffixes = _lexicon()
    longest = min(MAX_WORDS, len(keys)) if keys and keys[0] in _first_words() else min(1, len(keys))
    for n in range(longest, 0, -1):
        key = "".join(keys[:n])
        kind = whole.get(f"{n}|{key}")
        if kind is None:
            for prefix, k in prefixes.get(f"{n}|{key[:2]}", ()):
                if key.startswith(prefix) and len(prefix) > len(key) - len(keys[n - 1]):
                    kind = k  # the prefix ends inside the last word ("telefon*" in "telefonnummer")
                    break
        if kind is not None:
            return n, kind
    word = keys[0] if keys else ""
    for suffix, kind in suffixes:
        if word.endswith(suffix) and len(word) > len(suffix):
            return 1, kind
    return None


def cues(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every label term in ``text`` by start, the longest at each word; terms may
    overlap ("mi número de cliente": *mi número* and *número de cliente*)."""
    low = text.lower()
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(low)]
    keys = [w for _, _, w in words]
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(words):
        found = _term_at(keys[i : i + MAX_WORDS])
        if found is not None:
            n, kind = found
            out.append((words[i][0], words[i + n - 1][1], kind))
        i += 1
    if _CJK.search(low):
        by_first = _lexicon()[2]
        at = 0
        while at < len(low):
            for term, kind in by_first.get(low[at], ()):
                if low.startswith(term, at):
                    out.append((at, at + len(term), kind))
                    at += len(term) - 1
                    break
            at += 1
        out.sort()
    return out


@lru_cache(maxsize=4096)
def label_kind(label: str) -> str | None:
    """What a field label says its value is: a private type, a veto (``not_date``, ``not_number``), or None.

    A private type wins over a veto ("Indirizzo di spedizione", "Rechnungsadresse": addresses, though
    *spedizione* and *Rechnung* also name shipments and invoices), e-mail over the others ("Email
    address"), and otherwise the last term decides."""
    found = cues(label[:120])
    if not found:
        return None
    kinds = [kind for _, _, kind in found]
    if "email" in kinds:
        return "email"
    private = [k for k in kinds if k not in VETOES]
    return private[-1] if private else _last(found)[2]


def _last(found: list[tuple[int, int, str]]) -> tuple[int, int, str]:
    """The cue that ends last (the longest of those): nearest to what follows."""
    return max(found, key=lambda c: (c[1], c[1] - c[0]))


# a sentence ends between the cue and the value ("Phone: see below. 0418..." is not "no. 0418")
_ABBREVIATION = re.compile(r"(?i)\b(?:no|nr|n|nº|art|ref|tel|tlf|puh|ca)\.")
_SENTENCE_BREAK = re.compile(r"[.!?]\s+(?=[^\W\d_]|$)|[。！？]")
# another value between the cue and this one ("Phone: 879.560.2432 Price: $597.58"): the cue is that one's
_OTHER_VALUE = re.compile(r"\S*[\d@]\S*")


def nearest_cue(before: str, max_gap: int = 24) -> str | None:
    found = nearest_cue_at(before, max_gap)
    return found[0] if found else None


def nearest_cue_at(before: str, max_gap: int = 24) -> tuple[str, int] | None:
    """The kind of the cue that ends nearest to the end of ``before`` (the text before a value on its
    line) and the length of the gap between them, if it ends within ``max_gap`` characters of it and no
    sentence ends in between."""
    found = cues(before[-80:])
    if not found:
        return None
    _, end, kind = _last(found)
    gap = _ABBREVIATION.sub("", before[-80:][end:].removeprefix("."))  # "Tlf. er", "Invoice no. is"
    if len(gap) > max_gap or _SENTENCE_BREAK.search(gap) or _OTHER_VALUE.search(gap):
        return None
    return kind, len(gap)


def vetoed(kind: str | None, finding_type: str) -> bool:
    return kind is not None and finding_type in VETOES.get(kind, ())
