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

## Рабочее место для ввода данных
nav-workspace = Ввод данных
workspace-intro = Вводите и исправляйте записи своей организации. Всё, что вводится здесь, проверяется по тем же правилам, что и в API открытых данных.
workspace-add-requirement = добавить потребность
workspace-add-transaction = добавить операцию
workspace-more = Показаны только первые 100 программ; чтобы найти другие, воспользуйтесь поиском.
language-kk = Казахский
language-ru = Русский
language-en = Английский
language-zh = Китайский
form-new-organisation = Новая организация
form-edit-organisation = Изменить организацию
form-new-programme = Новая программа или проект
form-edit-programme = Изменить программу
form-new-requirement = Новая потребность в финансировании
form-new-transaction = Новая операция
form-has-errors = В форме есть ошибки; ничего не сохранено
form-saved = Сохранено.
form-view-public = Открыть публичную страницу
form-save = Сохранить
form-none = — не выбрано —
form-name = Название
form-acronym = Сокращение
form-iati-org-id = Идентификатор организации IATI
form-iati-org-id-hint = Например, XM-DAC-41114 (ПРООН); оставьте пустым, если у организации его нет.
form-org-type = Тип организации
form-country = Страна
form-country-hint = Двухбуквенный код ISO, например KZ или JP.
form-mechanism-role = Роль в механизме координации
form-website = Сайт
form-contacts = Контакт
form-contact-name = Имя
form-contact-role = Должность
form-contact-email = Электронная почта
form-contact-phone = Телефон
form-iati-identifier = Идентификатор деятельности IATI
form-iati-identifier-hint = Идентификатор отчитывающейся организации, дефис и ваш собственный код, например KZ-BIN-123456789012-HEALTH-01.
form-title = Название
form-description = Описание
form-status = Статус
form-dates = Сроки
form-planned-start = Плановое начало
form-planned-end = Плановое окончание
form-actual-start = Фактическое начало
form-actual-end = Фактическое окончание
form-areas = Тематические направления
form-sectors = Секторы
form-sectors-hint = Пятизначные коды ОЭСР/КСР или собственные коды платформы; проценты по каждому справочнику должны в сумме давать 100.
form-vocabulary = Справочник
vocabulary-dac5 = ОЭСР/КСР, 5 знаков
vocabulary-custom = Коды Semey
form-sector-code = Код
form-percentage = Процент
form-sdg-targets = Задачи ЦУР
form-sdg-targets-hint = Через запятую, например 3.9, 6.1.
form-places = Места
form-places-hint = Где работает программа; проценты необязательны, но если указаны, в сумме должны давать 100.
form-place = Место
form-target-groups = Целевые группы
form-participants = Партнёры
form-organisation = Организация
form-role = Роль
form-reporting-org = Отчитывающаяся организация
form-parent = Входит в программу
form-programme = Программа
form-period-start = Начало периода
form-period-end = Конец периода
form-reference = Ваш номер
form-reference-hint = Ваш собственный номер этой операции; повторный ввод с тем же номером ничего не меняет.
form-transaction-type = Вид операции
form-date = Дата
form-value-date = Дата курса
form-value-date-hint = Оставьте пустым, чтобы использовать дату операции.
form-provider = Кто предоставляет средства
form-receiver = Кто получает средства
form-amount = Сумма
form-amount-hint = В валюте, указанной ниже, например 1250000.50.
form-currency = Валюта
form-currency-hint = Трёхбуквенный код ISO 4217, например KZT, USD, EUR.
form-note = Примечание

## Ошибки в полях
error-invalid_value = Это значение нельзя использовать.
error-not_a_number = Введите число.
error-invalid_date = Введите дату в виде год-месяц-день, например 2026-03-31.
error-amount_out_of_range = Сумма слишком велика.
error-invalid_amount = Введите сумму числом, например 1250000.50.
error-too_many_decimals = В сумме больше знаков после запятой, чем допускает валюта.
error-not_positive = Сумма должна быть больше нуля.
error-zero_amount = Сумма не может быть нулевой.
error-duplicate_iati_id = Этот идентификатор IATI уже есть у другой организации.
error-duplicate_iati_identifier = Этот идентификатор IATI уже есть у другой программы.
error-invalid_activity_identifier = Это не идентификатор деятельности IATI: используйте буквы, цифры и дефисы, начиная с идентификатора организации.
error-invalid_iati_org_id = Это не идентификатор организации IATI: префикс ведомства и номер через дефис.
error-invalid_country = Введите двухбуквенный код страны ISO, например KZ.
error-invalid_email = Это не адрес электронной почты.
error-invalid_percentage = Введите процент от 0 до 100.
error-place_percentages_sum = Проценты по местам должны в сумме давать 100.
error-place_percentages_partial = Укажите процент для каждого места или ни для одного.
error-invalid_sdg_target = Это не задача ЦУР вида 3.9.
error-out_of_range = Значение вне допустимого диапазона.
error-own_parent = Программа не может входить сама в себя.
error-parent_cycle = Программа не может входить в один из своих проектов.
error-same_programme = Средства не могут поступать из программы в неё же.
error-unknown_custom_sector = Это не код сектора платформы.
error-unknown_vocabulary = Выберите справочник секторов.
error-unknown_mechanism_role = Выберите роль из списка.
error-unknown_org_type = Выберите тип из списка.
error-unknown_organisation = Такой организации на платформе нет.
error-unknown_place = Такого места на платформе нет.
error-unknown_programme = Такой программы на платформе нет.
error-unknown_role = Выберите роль из списка.
error-unknown_status = Выберите статус из списка.
error-unknown_transaction_type = Выберите вид операции из списка.
error-unknown_policy_marker = Это не маркер политики IATI.
error-invalid_significance = Значимость маркера политики — число от 0 до 4.
error-value_date_far = Дата курса слишком далека от даты операции.

form-edit-transaction = Исправить операцию
form-edit-requirement = Исправить потребность в финансировании
workspace-money = Потребности и операции

funding-unspecified = Происхождение неизвестно
funding-by-district = По районам
funding-requirements-chart-description = Потребность в средствах и выделенные средства, в долларах США.

## Вход
signin-heading = Вход
signin-intro = Ввод данных доступен организациям механизма координации. Учётную запись выдаёт ваш координатор.
signin-email = Электронная почта
signin-password = Пароль
signin-submit = Войти
signin-failed = Неверная электронная почта или пароль, либо вход временно закрыт после слишком многих попыток. Попробуйте ещё раз или обратитесь к координатору.
signout = Выйти

## Журнал изменений
audit-heading = Журнал изменений
audit-intro = Все изменения записей платформы и все отклонённые попытки, сначала новые: кто, когда, каким способом, откуда, прежние и новые значения. Здесь ничего нельзя изменить или удалить.
audit-record-type = Тип записи
audit-record-id = Запись
audit-export = Скачать в CSV
audit-at = Когда (UTC)
audit-action = Действие
audit-who = Кто и как
audit-change = Изменение
audit-show = Показать значения
audit-old = До
audit-new = После
workspace-audit = Журнал изменений
refused-heading = Действие не разрешено
refused-text = Ваша учётная запись не может этого сделать: запись принадлежит другой организации или ваша роль этого не позволяет. Если вы считаете, что это ошибка, обратитесь к координатору.

## Учётная запись
account-heading = Ваша учётная запись
account-role = Роль
account-administrator = Администратор
account-role-coordinator = Координатор
account-role-editor = Редактор
account-role-viewer = Наблюдатель
account-password = Новый пароль
account-current-password = Текущий пароль
account-new-password = Новый пароль (не короче 12 символов)
account-wrong-password = Текущий пароль указан неверно; ничего не изменено.
account-short-password = Новый пароль слишком короткий: нужно не меньше 12 символов.
account-tokens = Токены API
account-tokens-intro = Токен позволяет программе передавать данные вашей организации с вашей ролью. Он показывается один раз; храните его как пароль.
account-token-name = Для чего он
account-token-days = Срок действия (дней)
account-token-create = Создать токен
account-token-expires = действует до
account-token-inactive = отозван или истёк
account-token-invalid = Укажите название токена и срок от 1 до 365 дней.
account-token-shown-once = Ваш новый токен ниже. Он показывается только сейчас: скопируйте его.
account-revoke = Отозвать
workspace-account = Ваша учётная запись

## Управление учётными записями
users-heading = Учётные записи
users-state = Состояние
users-disabled = отключена
users-disable = Отключить
users-enable = Включить
users-add = Добавить учётную запись
users-first-password = Первый пароль
users-first-password-hint = Не короче 12 символов. Передайте его человеку надёжным способом; он сможет сменить его на странице своей учётной записи.
workspace-users = Учётные записи
error-duplicate_email = Учётная запись с этим адресом электронной почты уже есть.
error-password_too_short = Пароль должен быть не короче 12 символов.
