site-name = Семей
site-tagline = Реабилитация Семипалатинского региона: кто, что, где делает и на какие средства
nav-home = Главная
nav-map = Карта
nav-programmes = Программы
nav-stakeholders = Участники
nav-funding = Финансирование
nav-places = Населённые пункты
language = Язык

programmes-count = { $count ->
    [one] { $count } программа
    [few] { $count } программы
    [many] { $count } программ
   *[other] { $count } программы
}

funding-required = Потребность
funding-pledged = Обещано
funding-committed = Выделено по обязательствам
funding-disbursed = Перечислено
funding-spent = Израсходовано
funding-gap = Дефицит финансирования
funding-percent = Обеспечено
funding-domestic = Внутреннее (бюджет Казахстана)
funding-external = Внешнее

area-radiation_safety = Радиационная безопасность
area-health = Здравоохранение
area-socioeconomic_development = Социально-экономическое развитие
area-environmental_protection = Охрана окружающей среды
area-psychosocial_support = Психосоциальная поддержка
area-public_awareness = Информирование населения
area-governance = Управление

error-not-found = Запрошенная страница или запись не существует.
error-invalid-parameter = У фильтра «{ $field }» недопустимое значение.
error-required = Это поле обязательно.
error-sector_percentages_sum = Доли секторов должны в сумме составлять 100 %.
error-end_before_start = Дата окончания раньше даты начала.
error-period_longer_than_a_year = Бюджетный период не может быть длиннее одного года.
error-unknown_currency = Платформе неизвестен такой код валюты.
error-no_exchange_rate = Для этой валюты нет курса на эту дату или ранее.
error-invalid_kato = Код КАТО состоит ровно из девяти цифр.

skip-to-content = Перейти к содержанию
nav-label = Основные разделы
footer-text = «Семей» служит резолюции 75/210 Генеральной Ассамблеи ООН. Суммы программ в демонстрационных данных условные.
home-heading = Реабилитация Семипалатинского региона в цифрах
chart-title-by-area = Выделенные средства по тематическим направлениям, доллары США
chart-description-by-area = По столбцу на каждое направление: средства, выделенные его программам, в долларах США.
chart-as-table = Те же данные в виде таблицы
search-label = Поиск по названиям
filter-area = Тематическое направление
filter-all = Все
filter-apply = Показать
not-found-title = Не найдено

status-1 = Подготовка
status-2 = Реализация
status-3 = Завершение
status-4 = Закрыта
status-5 = Отменена
status-6 = Приостановлена
role-funding = Финансирует
role-accountable = Отвечает
role-extending = Передаёт средства
role-implementing = Реализует
group-children = Дети
group-youth = Молодёжь
group-older_people = Пожилые люди
group-persons_with_disabilities = Люди с инвалидностью
group-women = Женщины
group-low_income_households = Малообеспеченные семьи
group-exposed_population = Люди, подвергшиеся облучению
group-descendants_of_exposed = Потомки облучённых
group-rural_residents = Сельские жители
group-unemployed = Безработные
programme-identifier = Идентификатор
programme-status = Статус
programme-planned = По плану
programme-actual = Фактически
programme-areas = Тематические направления
programme-partners = Партнёры
programme-places = Где
programme-target-groups = Для кого
programme-sdgs = Задачи ЦУР
programme-sectors = Секторы
programme-part-of = Входит в
programme-projects = Проекты
programme-funding = Финансирование
programme-funding-by-year = Финансирование по годам, доллары США
programme-funding-by-year-description = Выделенные и перечисленные средства этой программы по годам, в долларах США.
programme-internal = Получено от других программ платформы (учтено там, где средства поступили на платформу)

mechanism-government_body = Государственные органы
mechanism-local_government = Местные исполнительные органы (акиматы)
mechanism-civil_society = Гражданское общество
mechanism-donor = Доноры
mechanism-international_organisation = Международные организации
mechanism-un_entity = Организации системы ООН
mechanism-academia = Наука и образование
mechanism-private_sector = Частный сектор
mechanism-none = Другие участники
orgtype-10 = Государственный орган
orgtype-11 = Местный орган власти
orgtype-15 = Другая государственная организация
orgtype-21 = Международная НПО
orgtype-22 = Национальная НПО
orgtype-23 = Региональная НПО
orgtype-24 = НПО страны-партнёра
orgtype-30 = Государственно-частное партнёрство
orgtype-40 = Многосторонняя организация
orgtype-60 = Фонд
orgtype-70 = Частный сектор
orgtype-71 = Частный сектор страны-донора
orgtype-72 = Частный сектор страны-получателя
orgtype-73 = Частный сектор третьей страны
orgtype-80 = Наука, образование и исследования
orgtype-90 = Другое
stakeholders-heading = Кто участвует
org-type = Тип
org-country = Страна
org-website = Сайт
org-funds = Программы, которые финансирует
org-implements = Программы, которые реализует
org-takes-part = Другие программы с её участием
org-money-given = Выделенные ею средства

level-country = Страна
level-region = Область
level-district = Район
level-settlement = Населённый пункт
places-heading = Области, районы и населённые пункты
place-kato = Код КАТО
place-population = Население
place-within = Входит в
place-contains = В составе
place-programmes = Программы, работающие здесь
place-money = Средства, выделенные программам здесь

funding-heading = Финансирование: потребности, обещания и средства
funding-by-area = По тематическим направлениям
funding-by-year = По годам
funding-by-donor = По организациям, предоставившим средства
funding-by-region = По областям
funding-by-origin = Внутренние и внешние средства
funding-dimension = Группа
funding-no-provider = Не указано
funding-all-money = Все средства, доллары США
funding-origin-chart-description = Выделенные средства из бюджета Казахстана и из внешних источников по годам, в долларах США.
transactions-heading = Транзакции
transactions-count = { $count ->
    [one] { $count } транзакция
    [few] { $count } транзакции
    [many] { $count } транзакций
   *[other] { $count } транзакции
}
tx-date = Дата
tx-programme = Программа
tx-type = Вид
tx-amount = Сумма
tx-usd = В долларах США
tx-provider = От кого

txtype-1 = Поступление средств
txtype-2 = Исходящее обязательство
txtype-3 = Перечисление
txtype-4 = Расход
txtype-5 = Выплата процентов
txtype-6 = Погашение займа
txtype-7 = Возмещение
txtype-8 = Покупка доли участия
txtype-9 = Продажа доли участия
txtype-10 = Кредитная гарантия
txtype-11 = Входящее обязательство
txtype-12 = Исходящее обещание
txtype-13 = Входящее обещание

map-title = Выделенные средства по районам
map-description = Районы областей, где работают программы, окрашены по средствам, выделенным программам в них: чем темнее, тем больше. Каждый район ведёт на свою страницу.
map-no-money = Нет средств
map-needs-outlines = Карта появится после загрузки границ районов (semey import places).

## Интерактивные карты
map-heading = Карта программ и финансирования
map-intro = Районы окрашены по средствам, выделенным работающим в них программам, или по числу этих программ; точки — населённые пункты. Выберите район или населённый пункт, чтобы увидеть сводку и ссылку на его страницу.
map-open = Открыть карту программ и финансирования
map-open-place = Открыть страницу
map-less = меньше
map-more = больше
map-none = нет
map-layer-funding = Выделенные средства (USD)
map-layer-programmes = Число программ
map-layer-settlements = Населённые пункты
home-latest = Последние обновления

## Фильтры программ и страницы списка
filter-status = Статус
filter-place = Место
filter-organisation = Организация
filter-group = Целевая группа
filter-sdg = Задача ЦУР
filter-year = Год
filter-parent = Входит в
pager-label = Страницы списка
pager-previous = Назад
pager-next = Далее
pager-position = Страница { $page } из { $pages }
