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

mechanism-government_body = Мемлекеттік органдар
mechanism-local_government = Жергілікті атқарушы органдар (әкімдіктер)
mechanism-civil_society = Азаматтық қоғам
mechanism-donor = Донорлар
mechanism-international_organisation = Халықаралық ұйымдар
mechanism-un_entity = БҰҰ жүйесінің ұйымдары
mechanism-academia = Ғылым және білім
mechanism-private_sector = Жеке сектор
mechanism-none = Басқа қатысушылар
orgtype-10 = Мемлекеттік орган
orgtype-11 = Жергілікті билік органы
orgtype-15 = Басқа мемлекеттік ұйым
orgtype-21 = Халықаралық ҮЕҰ
orgtype-22 = Ұлттық ҮЕҰ
orgtype-23 = Өңірлік ҮЕҰ
orgtype-24 = Серіктес елдің ҮЕҰ
orgtype-30 = Мемлекеттік-жекешелік әріптестік
orgtype-40 = Көпжақты ұйым
orgtype-60 = Қор
orgtype-70 = Жеке сектор
orgtype-71 = Донор елдің жеке секторы
orgtype-72 = Алушы елдің жеке секторы
orgtype-73 = Үшінші елдің жеке секторы
orgtype-80 = Ғылым, білім және зерттеу
orgtype-90 = Басқа
stakeholders-heading = Кім қатысады
org-type = Түрі
org-country = Елі
org-website = Сайты
org-funds = Қаржыландыратын бағдарламалары
org-implements = Іске асыратын бағдарламалары
org-takes-part = Қатысатын басқа бағдарламалары
org-money-given = Бөлген қаражаты

level-country = Ел
level-region = Облыс
level-district = Аудан
level-settlement = Елді мекен
places-heading = Облыстар, аудандар және елді мекендер
place-kato = ҚАТО коды
place-population = Халқы
place-within = Құрамында
place-contains = Құрамы
place-programmes = Мұнда жұмыс істейтін бағдарламалар
place-money = Мұндағы бағдарламаларға бөлінген қаражат

funding-heading = Қаржыландыру: қажеттіліктер, уәделер және қаражат
funding-by-area = Тақырыптық бағыттар бойынша
funding-by-year = Жылдар бойынша
funding-by-donor = Қаражат берген ұйымдар бойынша
funding-by-region = Облыстар бойынша
funding-by-origin = Ішкі және сыртқы қаражат
funding-dimension = Топ
funding-no-provider = Көрсетілмеген
funding-all-money = Барлық қаражат, АҚШ доллары
funding-origin-chart-description = Қазақстан бюджетінен және сырттан бөлінген қаражат жылдар бойынша, АҚШ долларымен.
transactions-heading = Транзакциялар
transactions-count = { $count ->
    [one] { $count } транзакция
   *[other] { $count } транзакция
}
tx-date = Күні
tx-programme = Бағдарлама
tx-type = Түрі
tx-amount = Сомасы
tx-usd = АҚШ долларымен
tx-provider = Кімнен

txtype-1 = Түскен қаражат
txtype-2 = Шығыс міндеттеме
txtype-3 = Аударым
txtype-4 = Шығыс
txtype-5 = Пайыз төлеу
txtype-6 = Қарызды өтеу
txtype-7 = Өтемақы
txtype-8 = Үлес сатып алу
txtype-9 = Үлесті сату
txtype-10 = Кредиттік кепілдік
txtype-11 = Кіріс міндеттеме
txtype-12 = Шығыс уәде
txtype-13 = Кіріс уәде

map-title = Аудандар бойынша бөлінген қаражат
map-description = Бағдарламалар жұмыс істейтін облыстардың аудандары ондағы бағдарламаларға бөлінген қаражат бойынша боялған: неғұрлым қою болса, соғұрлым көп. Әр аудан өз бетіне апарады.
map-no-money = Қаражат жоқ
map-needs-outlines = Аудан шекаралары жүктелгеннен кейін карта пайда болады (semey import places).

## Интерактивті карталар
map-heading = Бағдарламалар мен қаржыландыру картасы
map-intro = Аудандар ондағы бағдарламаларға бөлінген қаражат бойынша немесе сол бағдарламалардың саны бойынша боялған; нүктелер — елді мекендер. Қысқаша мәлімет пен оның бетіне сілтемені көру үшін ауданды немесе елді мекенді таңдаңыз.
map-open = Бағдарламалар мен қаржыландыру картасын ашу
map-open-place = Бетін ашу
map-less = азырақ
map-more = көбірек
map-none = жоқ
map-layer-funding = Бөлінген қаражат (USD)
map-layer-programmes = Бағдарламалар саны
map-layer-settlements = Елді мекендер
home-latest = Соңғы жаңартулар

## Бағдарлама сүзгілері және тізім беттері
filter-status = Мәртебесі
filter-place = Орны
filter-organisation = Ұйым
filter-group = Мақсатты топ
filter-sdg = ТДМ міндеті
filter-year = Жыл
filter-parent = Құрамында
pager-label = Тізім беттері
pager-previous = Алдыңғы
pager-next = Келесі
pager-position = { $pages } беттің { $page }-беті
