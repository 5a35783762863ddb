site-name = 塞梅伊
site-tagline = 塞米巴拉金斯克地区恢复工作：谁在何处做什么，投入多少资金
nav-home = 首页
nav-map = 地图
nav-programmes = 方案
nav-stakeholders = 参与方
nav-funding = 资金
nav-places = 地点
language = 语言

programmes-count = { $count ->
   *[other] { $count } 个方案
}

funding-required = 资金需求
funding-pledged = 认捐
funding-committed = 已承诺
funding-disbursed = 已拨付
funding-spent = 已支出
funding-gap = 资金缺口
funding-percent = 到位比例
funding-domestic = 国内资金（哈萨克斯坦预算）
funding-external = 外部资金

area-radiation_safety = 辐射安全
area-health = 卫生
area-socioeconomic_development = 社会经济发展
area-environmental_protection = 环境保护
area-psychosocial_support = 心理社会支持
area-public_awareness = 公众宣传
area-governance = 治理

error-not-found = 您请求的页面或记录不存在。
error-invalid-parameter = 筛选条件“{ $field }”的值无法使用。
error-required = 此项为必填项。
error-sector_percentages_sum = 各部门所占百分比之和必须为 100。
error-end_before_start = 结束日期早于开始日期。
error-period_longer_than_a_year = 预算期不得超过一年。
error-unknown_currency = 平台不认识此货币代码。
error-no_exchange_rate = 此货币在该日期或之前没有汇率。
error-invalid_kato = KATO 代码必须恰好为九位数字。

skip-to-content = 跳到正文
nav-label = 主要栏目
footer-text = 塞梅伊平台服务于联合国大会第 75/210 号决议。演示数据中的方案金额仅为示例。
home-heading = 塞米巴拉金斯克地区恢复工作数据概览
chart-title-by-area = 按专题领域划分的已承诺资金（美元）
chart-description-by-area = 每个专题领域一根柱：其方案获得的已承诺资金，以美元计。
chart-as-table = 以表格显示相同数据
search-label = 按标题搜索
filter-area = 专题领域
filter-all = 全部
filter-apply = 显示
not-found-title = 未找到
