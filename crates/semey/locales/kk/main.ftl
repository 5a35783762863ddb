site-name = Семей
site-tagline = Семей өңірін оңалту: кім, не, қайда және қандай қаражатпен істейді
nav-home = Басты бет
nav-map = Карта
nav-programmes = Бағдарламалар
nav-stakeholders = Қатысушылар
nav-funding = Қаржыландыру
nav-places = Елді мекендер
language = Тіл

programmes-count = { $count ->
    [one] { $count } бағдарлама
   *[other] { $count } бағдарлама
}

funding-required = Қажеттілік
funding-pledged = Уәде етілген
funding-committed = Міндеттеме бойынша бөлінген
funding-disbursed = Аударылған
funding-spent = Жұмсалған
funding-gap = Қаржы тапшылығы
funding-percent = Қамтамасыз етілген
funding-domestic = Ішкі (Қазақстан бюджеті)
funding-external = Сыртқы

area-radiation_safety = Радиациялық қауіпсіздік
area-health = Денсаулық сақтау
area-socioeconomic_development = Әлеуметтік-экономикалық даму
area-environmental_protection = Қоршаған ортаны қорғау
area-psychosocial_support = Психоәлеуметтік қолдау
area-public_awareness = Халықты хабардар ету
area-governance = Басқару

error-not-found = Сұралған бет немесе жазба жоқ.
error-invalid-parameter = «{ $field }» сүзгісінің мәнін пайдалану мүмкін емес.
error-required = Бұл өрісті толтыру міндетті.
error-sector_percentages_sum = Секторлардың үлестері қосындысында 100 % болуы керек.
error-end_before_start = Аяқталу күні басталу күнінен бұрын тұр.
error-period_longer_than_a_year = Бюджет кезеңі бір жылдан аспауы керек.
error-unknown_currency = Платформа мұндай валюта кодын білмейді.
error-no_exchange_rate = Бұл валютаның осы күнге немесе одан бұрынғы бағамы жоқ.
error-invalid_kato = ҚАТО коды дәл тоғыз цифрдан тұрады.

skip-to-content = Мазмұнға өту
nav-label = Негізгі бөлімдер
footer-text = «Семей» БҰҰ Бас Ассамблеясының 75/210 қарарына қызмет етеді. Көрсетілім деректеріндегі бағдарлама сомалары шартты.
home-heading = Семей өңірін оңалту сандармен
chart-title-by-area = Тақырыптық бағыттар бойынша бөлінген қаражат, АҚШ доллары
chart-description-by-area = Әр бағытқа бір баған: оның бағдарламаларына бөлінген қаражат, АҚШ долларымен.
chart-as-table = Сол деректер кесте түрінде
search-label = Атаулар бойынша іздеу
filter-area = Тақырыптық бағыт
filter-all = Барлығы
filter-apply = Көрсету
not-found-title = Табылмады

status-1 = Дайындық
status-2 = Іске асырылуда
status-3 = Аяқталуда
status-4 = Жабылған
status-5 = Тоқтатылған
status-6 = Уақытша тоқтатылған
role-funding = Қаржыландырады
role-accountable = Жауапты
role-extending = Қаражатты береді
role-implementing = Іске асырады
group-children = Балалар
group-youth = Жастар
group-older_people = Егде жастағы адамдар
group-persons_with_disabilities = Мүгедектігі бар адамдар
group-women = Әйелдер
group-low_income_households = Аз қамтылған отбасылар
group-exposed_population = Сәулеленуге ұшыраған адамдар
group-descendants_of_exposed = Сәулеленгендердің ұрпақтары
group-rural_residents = Ауыл тұрғындары
group-unemployed = Жұмыссыздар
programme-identifier = Сәйкестендіргіш
programme-status = Мәртебесі
programme-planned = Жоспар бойынша
programme-actual = Іс жүзінде
programme-areas = Тақырыптық бағыттар
programme-partners = Серіктестер
programme-places = Қайда
programme-target-groups = Кімге арналған
programme-sdgs = ТДМ міндеттері
programme-sectors = Секторлар
programme-part-of = Құрамында
programme-projects = Жобалар
programme-funding = Қаржыландыру
programme-funding-by-year = Жылдар бойынша қаржыландыру, АҚШ доллары
programme-funding-by-year-description = Осы бағдарламаға әр жылы бөлінген және аударылған қаражат, АҚШ долларымен.
programme-internal = Платформаның басқа бағдарламаларынан алынған (қаражат платформаға түскен жерде есептелген)
