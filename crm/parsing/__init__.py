"""Reading free text: dates, amounts, contacts, objections, customer names, periods. Pure: no I/O.

`crm.parsing.recognizers.warm_up()` builds the Recognizers-Text models (about a second) and
`crm.parsing.contacts.warm_up()` loads jieba's word tags, so the first note is fast too. The visit-note pipeline that combines these is `crm.visits.parse`.
"""
