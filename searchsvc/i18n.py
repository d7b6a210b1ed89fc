"""The page's words in Kazakh, Russian and English, and how the language is chosen.

All interface text lives here, one dict per language with the same keys (a
test checks that), so a translator edits one file. The interface language is
picked from, in order: the ``ui`` query parameter (remembered in a cookie),
the cookie, the browser's Accept-Language, and finally Kazakh.
"""

from __future__ import annotations

import datetime as dt

from flask import Request

UI_LANGS = ("kk", "ru", "en")
DEFAULT_UI = "kk"
COOKIE = "ui"

#: Each language's name written in that language, for the switch.
NATIVE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}

TEXTS: dict[str, dict[str, str]] = {
    "kk": {
        "site_name": "Жаңалықтарды іздеу",
        "tagline": "Қазақ және орыс тілдеріндегі жаңалықтар",
        "ui_switch": "Интерфейс тілі",
        "skip_to_results": "Нәтижелерге өту",
        "query_label": "Іздеу сұрауы",
        "query_placeholder": "Мысалы: достық сквері, Тоқаев",
        "search": "Іздеу",
        "date_from": "Қай күннен",
        "date_to": "Қай күнге дейін",
        "sort": "Сұрыптау",
        "sort_relevance": "Сәйкестігі бойынша",
        "sort_date": "Күні бойынша (алдымен жаңалары)",
        "filters": "Сүзгілер",
        "facet_lang": "Мақала тілі",
        "facet_date": "Жарияланған уақыты",
        "lang_kk": "Қазақша",
        "lang_ru": "Орысша",
        "lang_other": "Басқа тілде",
        "per_month": "Айлар бойынша мақалалар саны",
        "per_year": "Жылдар бойынша мақалалар саны",
        "histogram_hint": "Бағанды басып, сол кезеңді таңдаңыз.",
        "bar_label": "{period}: {count} мақала",
        "active_filters": "Таңдалған сүзгілер",
        "remove_filter": "Сүзгіні алып тастау: {name}",
        "clear_all": "Барлығын алып тастау",
        "chip_from": "басы: {date}",
        "chip_to": "соңы: {date}",
        "results_heading": "Іздеу нәтижелері",
        "found": "Табылған мақалалар: {count}",
        "took": "{ms} мс",
        "partial": "Іздеуге бөлінген уақыт бітті, сондықтан тізім толық болмауы мүмкін.",
        "did_you_mean": "Мүмкін, мұны іздедіңіз:",
        "empty_title": "Ештеңе табылмады",
        "empty_hint": "Сөздерді азайтып немесе басқаша жазып көріңіз.",
        "empty_filters": "Сүзгілер нәтижені тарылтып тұр:",
        "search_without_filters": "сүзгісіз іздеу",
        "page_of": "{page}-бет, барлығы {pages}",
        "pages": "Беттер",
        "prev": "← Алдыңғы",
        "next": "Келесі →",
        "depth_cap": "Алғашқы {max} нәтиже ғана көрсетіледі — сұрауды нақтылаңыз.",
        "welcome": (
            "Қазақ және орыс тілдеріндегі жаңалықтардан іздеңіз. Сөздің кез келген тұлғасы "
            "табылады: «достық» деп іздесеңіз, «достығы», «достыққа» да шығады."
        ),
        "syntax_title": "Сұрауды қалай жазуға болады",
        "syntax_phrase": '"нақты тіркес" — сөздер дәл осы ретпен қатар тұрған мақалалар',
        "syntax_exclude": "-сөз — бұл сөзі бар мақалаларды шығармау",
        "syntax_or": "Астана OR Алматы — екеуінің бірі болса жеткілікті",
        "syntax_prefix": "тасқ* — осылай басталатын сөздер",
        "syntax_title_field": "title:сквер — тек тақырыптан іздеу",
        "syntax_keyboard": (
            "Қазақ сөздерін орыс әріптерімен (казакстан) немесе латын әріптерімен (Qazaqstan) теруге болады."
        ),
        "error_title": "Сұрауды тексеріңіз",
        "err_q": "Сұрау 1–500 таңбадан тұруы және 32 сөзден аспауы керек.",
        "err_date_from": "Күнді ЖЖЖЖ-АА-КК түрінде жазыңыз; басы соңынан кейін болмауы керек.",
        "err_date_to": "Күнді ЖЖЖЖ-АА-КК түрінде жазыңыз.",
        "err_page": "Мұндай бет жоқ: ең көбі алғашқы 1000 нәтиже көрсетіледі.",
        "err_per_page": "Бір бетте 1-ден 100-ге дейін нәтиже болады.",
        "err_lang": "Тіл сүзгісі тек kk, ru немесе other бола алады.",
        "err_sort": "Сұрыптау тек сәйкестігі немесе күні бойынша болады.",
        "err_other": "Сұрау параметрлерінің бірі қате.",
        "unavailable_title": "Іздеу уақытша жұмыс істемей тұр",
        "unavailable": "Іздеу индексі әлі дайын емес. Біраздан соң қайталап көріңіз.",
        "back_to_results": "← Нәтижелерге оралу",
        "new_search": "← Жаңа іздеу",
        "published": "Жарияланған күні",
        "language": "Тілі",
        "same_story": "Осы жаңалық басқа тілде",
        "no_same_story": "Бұл жаңалықтың басқа тілдегі нұсқасы табылмады.",
        "similarity": "ұқсастығы {score}",
        "not_found_title": "Мақала табылмады",
        "not_found": "Мұндай мақала жоқ немесе индекстен алынып тасталған.",
        "api_docs": "API сипаттамасы (OpenAPI)",
        "month_year": "{year} ж. {month}",
        "date_long": "{year} жылғы {day} {month}",
    },
    "ru": {
        "site_name": "Поиск по новостям",
        "tagline": "Новости на казахском и русском языках",
        "ui_switch": "Язык интерфейса",
        "skip_to_results": "Перейти к результатам",
        "query_label": "Поисковый запрос",
        "query_placeholder": "Например: сквер дружбы, Токаев",
        "search": "Найти",
        "date_from": "С даты",
        "date_to": "По дату",
        "sort": "Сортировка",
        "sort_relevance": "По релевантности",
        "sort_date": "По дате (сначала новые)",
        "filters": "Фильтры",
        "facet_lang": "Язык статьи",
        "facet_date": "Дата публикации",
        "lang_kk": "Казахский",
        "lang_ru": "Русский",
        "lang_other": "Другой язык",
        "per_month": "Число статей по месяцам",
        "per_year": "Число статей по годам",
        "histogram_hint": "Нажмите на столбик, чтобы выбрать этот период.",
        "bar_label": "{period}: статей — {count}",
        "active_filters": "Выбранные фильтры",
        "remove_filter": "Убрать фильтр: {name}",
        "clear_all": "Сбросить все",
        "chip_from": "с {date}",
        "chip_to": "по {date}",
        "results_heading": "Результаты поиска",
        "found": "Найдено статей: {count}",
        "took": "{ms} мс",
        "partial": "Время на поиск истекло, поэтому список может быть неполным.",
        "did_you_mean": "Возможно, вы имели в виду:",
        "empty_title": "Ничего не найдено",
        "empty_hint": "Попробуйте убрать часть слов или написать их иначе.",
        "empty_filters": "Результаты ограничены фильтрами:",
        "search_without_filters": "искать без фильтров",
        "page_of": "Страница {page} из {pages}",
        "pages": "Страницы",
        "prev": "← Предыдущая",
        "next": "Следующая →",
        "depth_cap": "Показываются только первые {max} результатов — уточните запрос.",
        "welcome": (
            "Ищите по новостям на казахском и русском языках. Находятся все формы слова: по "
            "запросу «сквер» найдутся и «сквера», и «скверу»."
        ),
        "syntax_title": "Как составить запрос",
        "syntax_phrase": '"точная фраза" — слова стоят рядом и именно в таком порядке',
        "syntax_exclude": "-слово — исключить статьи с этим словом",
        "syntax_or": "Астана OR Алматы — достаточно одного из слов",
        "syntax_prefix": "павод* — слова, которые так начинаются",
        "syntax_title_field": "title:сквер — искать только в заголовках",
        "syntax_keyboard": "Казахские слова можно набирать русскими буквами (казакстан) или латиницей (Qazaqstan).",
        "error_title": "Проверьте запрос",
        "err_q": "Запрос должен содержать от 1 до 500 символов и не больше 32 слов.",
        "err_date_from": "Укажите дату в виде ГГГГ-ММ-ДД; начальная дата не может быть позже конечной.",
        "err_date_to": "Укажите дату в виде ГГГГ-ММ-ДД.",
        "err_page": "Такой страницы нет: показываются только первые 1000 результатов.",
        "err_per_page": "На странице может быть от 1 до 100 результатов.",
        "err_lang": "Фильтр языка принимает только kk, ru или other.",
        "err_sort": "Сортировать можно только по релевантности или по дате.",
        "err_other": "Один из параметров запроса указан неверно.",
        "unavailable_title": "Поиск временно недоступен",
        "unavailable": "Поисковый индекс ещё не готов. Попробуйте немного позже.",
        "back_to_results": "← К результатам",
        "new_search": "← Новый поиск",
        "published": "Дата публикации",
        "language": "Язык",
        "same_story": "Эта новость на другом языке",
        "no_same_story": "Версия этой новости на другом языке не найдена.",
        "similarity": "сходство {score}",
        "not_found_title": "Статья не найдена",
        "not_found": "Такой статьи нет или она удалена из индекса.",
        "api_docs": "Описание API (OpenAPI)",
        "month_year": "{month} {year}",
        "date_long": "{day} {month} {year}",
    },
    "en": {
        "site_name": "News search",
        "tagline": "News in Kazakh and Russian",
        "ui_switch": "Interface language",
        "skip_to_results": "Skip to results",
        "query_label": "Search query",
        "query_placeholder": "For example: сквер дружбы, Тоқаев",
        "search": "Search",
        "date_from": "From",
        "date_to": "To",
        "sort": "Sort by",
        "sort_relevance": "Relevance",
        "sort_date": "Date (newest first)",
        "filters": "Filters",
        "facet_lang": "Article language",
        "facet_date": "Published",
        "lang_kk": "Kazakh",
        "lang_ru": "Russian",
        "lang_other": "Other",
        "per_month": "Articles per month",
        "per_year": "Articles per year",
        "histogram_hint": "Click a bar to pick that period.",
        "bar_label": "{period}: {count} articles",
        "active_filters": "Active filters",
        "remove_filter": "Remove filter: {name}",
        "clear_all": "Clear all",
        "chip_from": "from {date}",
        "chip_to": "to {date}",
        "results_heading": "Search results",
        "found": "Articles found: {count}",
        "took": "{ms} ms",
        "partial": "The search ran out of time, so the list may be incomplete.",
        "did_you_mean": "Did you mean:",
        "empty_title": "Nothing found",
        "empty_hint": "Try fewer words or a different spelling.",
        "empty_filters": "Filters are narrowing the results:",
        "search_without_filters": "search without filters",
        "page_of": "Page {page} of {pages}",
        "pages": "Pages",
        "prev": "← Previous",
        "next": "Next →",
        "depth_cap": "Only the first {max} results are shown — try a more specific query.",
        "welcome": (
            "Search news in Kazakh and Russian. Every form of a word matches: «сквер» also finds «сквера» and «скверу»."
        ),
        "syntax_title": "How to write a query",
        "syntax_phrase": '"exact phrase" — the words next to each other, in this order',
        "syntax_exclude": "-word — leave out articles with this word",
        "syntax_or": "Астана OR Алматы — either word is enough",
        "syntax_prefix": "павод* — words that start like this",
        "syntax_title_field": "title:сквер — search titles only",
        "syntax_keyboard": "Kazakh words can be typed with Russian letters (казакстан) or in Latin (Qazaqstan).",
        "error_title": "Please check the query",
        "err_q": "The query must be 1–500 characters long and at most 32 words.",
        "err_date_from": "Write dates as YYYY-MM-DD; the start cannot be after the end.",
        "err_date_to": "Write dates as YYYY-MM-DD.",
        "err_page": "No such page: only the first 1000 results can be shown.",
        "err_per_page": "A page holds 1 to 100 results.",
        "err_lang": "The language filter accepts only kk, ru or other.",
        "err_sort": "Sort by relevance or by date only.",
        "err_other": "One of the query parameters is invalid.",
        "unavailable_title": "Search is temporarily unavailable",
        "unavailable": "The search index is not ready yet. Please try again shortly.",
        "back_to_results": "← Back to results",
        "new_search": "← New search",
        "published": "Published",
        "language": "Language",
        "same_story": "The same story in the other language",
        "no_same_story": "No version of this story in the other language was found.",
        "similarity": "similarity {score}",
        "not_found_title": "Article not found",
        "not_found": "There is no such article, or it has been removed from the index.",
        "api_docs": "API description (OpenAPI)",
        "month_year": "{month} {year}",
        "date_long": "{day} {month} {year}",
    },
}

#: Month names: standalone (for the histogram) and in dates (Russian genitive).
MONTHS: dict[str, tuple[str, ...]] = {
    "kk": (
        "қаңтар",
        "ақпан",
        "наурыз",
        "сәуір",
        "мамыр",
        "маусым",
        "шілде",
        "тамыз",
        "қыркүйек",
        "қазан",
        "қараша",
        "желтоқсан",
    ),
    "ru": (
        "январь",
        "февраль",
        "март",
        "апрель",
        "май",
        "июнь",
        "июль",
        "август",
        "сентябрь",
        "октябрь",
        "ноябрь",
        "декабрь",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
MONTHS_IN_DATE: dict[str, tuple[str, ...]] = {
    "kk": MONTHS["kk"],
    "ru": (
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ),
    "en": MONTHS["en"],
}
YEAR_LABEL = {"kk": "{year} ж.", "ru": "{year} г.", "en": "{year}"}


def choose(request: Request) -> tuple[str, bool]:
    """(interface language, whether to remember it in the cookie)."""
    asked = request.args.get("ui", "")
    if asked in UI_LANGS:
        return asked, request.cookies.get(COOKIE) != asked
    cookie = request.cookies.get(COOKIE, "")
    if cookie in UI_LANGS:
        return cookie, False
    best = request.accept_languages.best_match(UI_LANGS)
    return best or DEFAULT_UI, False


class Translator:
    """The texts of one interface language, with formatting helpers."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in TEXTS else DEFAULT_UI
        self.texts = TEXTS[self.lang]

    def __call__(self, key: str, **values: object) -> str:
        text = self.texts[key]
        return text.format(**values) if values else text

    def month(self, ym: str) -> str:
        """'2025-11' → 'қараша 2025' in the interface language."""
        year, month = ym.split("-")
        return self("month_year", year=year, month=MONTHS[self.lang][int(month) - 1])

    def year(self, year: str) -> str:
        return YEAR_LABEL[self.lang].format(year=year)

    def date(self, iso: str) -> str:
        """'2025-11-11' → '11 ноября 2025'; anything unparsable is shown as is."""
        try:
            d = dt.date.fromisoformat(iso)
        except (TypeError, ValueError):
            return str(iso)
        return self("date_long", year=d.year, day=d.day, month=MONTHS_IN_DATE[self.lang][d.month - 1])

    def lang_name(self, code: str) -> str:
        return self.texts.get(f"lang_{code}", code)
