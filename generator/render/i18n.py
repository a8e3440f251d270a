"""Every string the site shows, in English and Simplified Chinese.

Templates call ``t('key')``; enum values (categories, statuses, channels ...)
go through ``label('category', value)``.  A missing key fails the build, like
an undefined template variable, rather than showing the key to a manager.
An English string that counts something is a pair (one, other), chosen by the
``count`` value; Chinese does not inflect.
"""

from __future__ import annotations

from types import MappingProxyType

_STRINGS = {
    # navigation and page titles
    "overview": ("Overview", "概览"),
    "items": ("Survey items", "调查项目"),
    "actions": ("Improvement actions", "改进措施"),
    "staff": ("Staff", "员工"),
    "followups": ("Follow-ups", "回访"),
    "complaints": ("Complaints", "投诉"),
    "care": ("Customer care", "客户关怀"),
    "retention": ("Retention", "客户保持"),
    "monthly": ("Monthly reports", "月度报表"),
    "quality": ("Data quality", "数据质量"),
    "guide": ("User guide", "使用指南"),
    "switch_dark": ("Switch to dark mode", "切换到深色模式"),
    "switch_light": ("Switch to light mode", "切换到浅色模式"),
    # the title of the link Python-Markdown's toc puts beside each heading (its default is English)
    "permalink": ("Permanent link", "本节链接"),
    # the 404 page, whose text Material does not translate
    "not_found": ("Not found", "页面不存在"),
    # common words
    "period": ("Period", "统计期"),
    "previous_period": ("Previous period", "上期"),
    "year_before": ("A year before", "去年同期"),
    "target": ("Target", "目标"),
    "value": ("Value", "数值"),
    "n": ("n", "样本数"),
    # a count of answers beside a figure, e.g. "85.0 (79.0–91.0, n=24)"
    "n_is": ("n={n}", "样本数 {n}"),
    # a change of a share in percentage points; {points} is signed, e.g. "+4"
    "points": ("{points} pp", "{points}个百分点"),
    "ci": ("95% interval", "95%置信区间"),
    "month": ("Month", "月份"),
    "count": ("Count", "数量"),
    "share": ("Share", "占比"),
    "none": ("None.", "无。"),
    "more_rows": ("… and {count} more, not shown here: `csi export` and `csi due` list them all.",
                  "……另有 {count} 条未在此列出：`csi export` 和 `csi due` 可列出全部。"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "unknown": ("unknown", "未知"),
    "too_few_marker": ("too few answers", "样本不足"),
    "significant": ("significant change (p < 0.05)", "显著变化（p < 0.05）"),
    "filter": ("Filter rows", "筛选"),
    "sort_hint": ("Click a column heading to sort.", "点击列标题排序。"),
    "provenance": ("Data as of {as_of} · commit {commit} · {records} records counted · period {period}",
                   "数据截至 {as_of} · 提交 {commit} · 统计记录 {records} 条 · 统计期 {period}"),
    "no_commit": ("not in git", "未纳入 git"),
    "print_hint": ("Print this page (Ctrl+P) for the monthly meeting.", "打印本页（Ctrl+P）用于月度例会。"),
    # overview
    "csi": ("CSI", "客户满意度指数"),
    "satisfied_share": ("Satisfied + very satisfied", "满意及非常满意占比"),
    "coverage": ("Follow-up coverage", "回访覆盖率"),
    # two reach rates, never one word for both: a visit counts once, however many calls it took;
    # every call counts in the second (per specialist and per channel too)
    "visit_reach_rate": ("Visits reached / visits attempted", "回访成功率（联系上台次/已回访台次）"),
    "attempt_reach_rate": ("Attempts reached / attempts made", "接通率（接通次数/回访次数）"),
    "received": ("Received", "收到"),
    "open": ("Open", "未结"),
    "overdue": ("Overdue", "逾期"),
    # the overview's complaint tiles: the period's intake beside the backlog on the as-of day
    "complaints_received": ("Complaints received this period", "本期收到投诉"),
    "complaints_open": ("Complaints open on {day} (backlog)", "截至 {day} 未结投诉（积压）"),
    "complaints_overdue": ("Complaints overdue on {day} (backlog)", "截至 {day} 逾期投诉（积压）"),
    "complaints_responded_in_time": ("Complaints answered within {hours} h", "投诉 {hours} 小时内首次响应"),
    "complaints_resolved_in_time": ("Complaints resolved on time", "投诉按期解决"),
    "of_them_this_period": ("received this period: {count}", "其中本期收到 {count} 件"),
    "actions_overdue": ("Actions overdue", "逾期措施"),
    "meets_target": ("meets the target", "达到目标"),
    "measures": ("Measures", "措施"),
    "misses_target": ("misses the target", "未达目标"),
    "internal": ("Internal", "内部"),
    "external": ("External", "外部"),
    "internal_external": ("Internal and external satisfaction", "内部与外部满意度"),
    "gap_internal_external": ("Gap, internal − external", "差距，内部 − 外部"),
    "gap_explained": ("Internal: the garage's own follow-ups, timely but slightly biased; external: the survey "
                      "firm's or the brand's, accurate but late. A large gap says the garage's own calls are "
                      "too kind (or too few): listen to some of them.",
                      "内部：本店自己的回访，及时但略有偏差；外部：调查公司或厂家的回访，准确但滞后。"
                      "差距大，说明本店的回访偏于宽松（或太少）：请抽听部分回访录音。"),
    "other_surveys": ("Other questionnaires", "其他问卷"),
    "other_surveys_items": ("Their items are on the Items page.", "各题目的结果见“调查项目”页。"),
    "trend_csi": ("CSI by month, with 95% interval", "各月客户满意度指数（含95%置信区间）"),
    "trend_satisfied": ("Satisfied share by month (%)", "各月满意占比（%）"),
    "trend_coverage": ("Follow-up coverage by month, each as of the month's end (%)",
                       "各月回访覆盖率（截至各月月末，%）"),
    "trend_reach": ("Visits reached / visits attempted by month, each as of the month's end (%)",
                    "各月回访成功率（联系上台次/已回访台次，截至各月月末，%）"),
    "no_data": ("No data for this period.", "本期无数据。"),
    # items
    "item": ("Item", "项目"),
    "section": ("Section", "类别"),
    "mean": ("Mean", "平均分"),
    "score": ("Score", "得分"),
    "top_share": ("Very satisfied", "非常满意占比"),
    "bottom_share": ("Dissatisfied", "不满意占比"),
    "change": ("Change", "变化"),
    "class": ("Class", "分类"),
    "strengths": ("Strengths", "优势项目"),
    "weaknesses": ("Weaknesses", "劣势项目"),
    "cause": ("Cause analysis", "原因分析"),
    "measures_keep": ("Measures to keep it", "保持措施"),
    "measures_improve": ("Measures to improve", "改进措施"),
    "owner": ("Person responsible", "责任人"),
    "due": ("Completion date", "完成时间"),
    "status": ("Status", "状态"),
    "needs_action": ("needs an action", "需制定措施"),
    "ipa_title": ("Importance and performance", "重要性与表现"),
    "importance": ("Importance (correlation with overall)", "重要性（与总体满意度的相关）"),
    "importance_stated": ("Importance (stated weight)", "重要性（设定权重）"),
    "performance": ("Performance (score 0–100)", "表现（得分 0–100）"),
    "quadrant": ("Quadrant", "象限"),
    "survey": ("Survey", "问卷"),
    "drivers_no_overall": ("The questionnaire has no overall item: importance is the stated weight.",
                           "问卷没有总体满意度项目：重要性按设定权重计算。"),
    # the minimum is the one drivers.key_drivers applies, which may be above min_sample
    "drivers_too_few": (("Only {count} response answered the overall item (at least {minimum} are needed): "
                         "importance is the stated weight.",
                         "Only {count} responses answered the overall item (at least {minimum} are needed): "
                         "importance is the stated weight."),
                        "仅 {count} 份有效回访回答了总体满意度项目（至少需要 {minimum} 份）：重要性按设定权重计算。"),
    # an item answered with the overall item too seldom for a correlation of its own; {items}: "name (n)"
    "drivers_items_too_few": ("Fewer than {minimum} responses answered the overall item together with {items}: "
                              "not placed in the chart.",
                              "与总体满意度项目同时回答的有效回访不足 {minimum} 份的项目：{items}，未在图中标出。"),
    # actions
    "action": ("Action", "措施"),
    "kind": ("Kind", "类型"),
    "target_item": ("Targets", "针对"),
    "start": ("Start", "开始"),
    "done": ("Done", "完成"),
    "effect": ("Effect", "效果"),
    "before": ("Before", "实施前"),
    "after": ("After", "实施后"),
    "closed_loop": ("Done actions and their effect", "已完成措施及其效果"),
    "verdict": ("Verdict", "结论"),
    "before_window": ("Before: window", "实施前时段"),
    "after_window": ("After: window", "实施后时段"),
    "after_open": ("after window still open: {elapsed} of {days} days",
                   "实施后观察期未结束：已过 {elapsed} 天，共 {days} 天"),
    "loop_categories": ("Actions on a complaint category: complaints per 100 visits",
                        "针对投诉类别的措施：每百台次投诉数"),
    "per_100_visits": ("per 100 visits (complaints/visits)", "每百台次投诉（投诉数/台次）"),
    "other_actions": ("Other actions on this item", "此项目的其他措施"),
    # generator.stats.actions: how the two windows are chosen, and the verdict's rule
    "loop_windows_rule": ("Before: the period the action names as the one its weakness was found in (`found_in`); "
                          "without one, for an improvement, the latest of the three months up to its start in "
                          "which the item was a weakness; else as many days before the start as the action lasted "
                          "(at least 30). Answers given during the action are never \"before\". After: from the day "
                          "after it was done, as many days as it lasted (at least 30).",
                          "实施前：措施登记的发现问题统计期（`found_in`）；未登记时，改进措施取开始前三个月内该项目最近一次"
                          "判为劣势的月份；都没有时取开始前与措施时长相同的天数（至少 30 天）。措施实施期间的答卷不计入实施前。"
                          "实施后：完成次日起，与措施时长相同的天数（至少 30 天）。"),
    "loop_verdict_rule": ("Verdict: each window needs at least {min_sample} answers (visits, for a complaint "
                          "category, and so many complaints before that none after would be a significant fall), "
                          "else too few, or too early while the after window is open. An improvement is "
                          "effective when the very-satisfied share rose or the dissatisfied share fell by at least "
                          "{drop} points, significantly (p < 0.05), and neither moved as far the wrong way; an action "
                          "on a complaint category when its complaints per 100 visits fell significantly; a "
                          "maintenance action unless a share moved that far the wrong way. Otherwise no effect yet "
                          "while the after window is open, then not effective.",
                          "结论：每个时段至少需 {min_sample} 份答卷（投诉类别措施按台次计，且实施前投诉数须足以使"
                          "实施后零投诉构成显著下降），不足为“样本过少”，"
                          "实施后观察期未结束时为“为时尚早”。改进措施：非常满意占比上升或不满意占比下降至少 {drop} 个百分点"
                          "且显著（p < 0.05），且两者都没有同等幅度的反向变化，为“有效”；投诉类别措施：每百台次投诉数显著下降"
                          "为“有效”；保持措施：两项占比都没有同等幅度的反向变化即为“有效”。其余情况观察期未结束时为“暂未见效”，"
                          "结束后为“无效”。"),
    "all_actions": ("All actions (overdue first)", "全部措施（逾期优先）"),
    "days_overdue": ("Days overdue", "逾期天数"),
    # staff
    "role": ("Role", "岗位"),
    "name": ("Name", "姓名"),
    "visits": ("Visits", "台次"),
    "responses": ("Responses", "有效回访"),
    "comebacks": ("Comebacks", "返修"),
    "small_sample_note": ("* fewer answers than the minimum sample: shown, not ranked.",
                          "* 样本少于最小样本数：仅显示，不参与排名。"),
    "caller_coverage": ("Coverage of the visits they picked up", "本人首次回访台次的覆盖率"),
    # the specialists' coverage leaves out the visits nobody followed up: they are the team's (stats.staff)
    "caller_coverage_note": ("A specialist's coverage counts the eligible visits whose first follow-up was "
                             "theirs: covered / picked up. In no specialist's row: eligible visits followed up "
                             "by nobody, {no_attempt}; first followed up by other staff, {others}. The garage's "
                             "coverage, the team's target: {coverage} ({covered}/{eligible}).",
                             "客服专员的回访覆盖率只计首次回访由本人完成的应回访台次：按时回访台次 / 本人首次回访台次。"
                             "不计入任何客服专员的：无人回访的应回访台次 {no_attempt} 台，由其他员工首次回访的 {others} 台。"
                             "全店回访覆盖率（团队目标）为 {coverage}（{covered}/{eligible}）。"),
    # follow-ups
    "eligible": ("Eligible visits", "应回访台次"),
    "covered": ("Covered in the window", "按时回访"),
    "attempts_per_visit": ("Attempts per visit", "每台次回访次数"),
    "median_days_first": ("Median days to first attempt", "首次回访中位天数"),
    "channel_mix": ("Channel mix", "回访渠道构成"),
    "channel": ("Channel", "渠道"),
    "overdue_worklist": ("Past the window, customer not reached yet (worklist)",
                         "已过回访时限、仍未联系上客户（待办清单）"),
    # why the worklist's length is not eligible minus covered (stats.followups.coverage_and_reach)
    "worklist_note": ("Visits not followed up within the window: {not_covered}, of which reached later, and so "
                      "not listed: {late_reached}. Visits followed up in time whose customer has not been "
                      "reached yet: {covered_not_reached}. The list holds every visit whose customer has not "
                      "been reached ({listed}).",
                      "{not_covered} 台次未在回访时限内回访：其中 {late_reached} 台次之后已联系上客户，不在清单中。"
                      "另有 {covered_not_reached} 台次在时限内回访过但仍未联系上客户。"
                      "清单列出全部仍未联系上客户的台次（{listed} 台次）。"),
    "worklist_refused": ("Left off: {refused} whose customer refused at the last call, not to be called again.",
                         "最近一次回访被客户拒访的 {refused} 台次不列入：不再打扰这些客户。"),
    "outcomes_by_channel": ("Attempts by outcome and channel", "回访结果（按渠道）"),
    "total": ("Total", "合计"),
    "weekly_satisfied": ("Satisfied + very satisfied by week", "每周满意及非常满意占比"),
    "weekly_satisfied_chart": ("Satisfied + very satisfied by week (%), with 95% interval",
                               "每周满意及非常满意占比（%，含95%置信区间）"),
    "weekly_satisfied_note": ("A response counts in the week the car was handed over; n is the responses "
                              "judged. The dashed line is the target of {quarter}: {target}.",
                              "有效回访计入交车所在的周；样本数为参与判定的有效回访数。虚线为 {quarter} 的目标：{target}。"),
    "weekly_satisfied_note_no_target": ("A response counts in the week the car was handed over; n is the "
                                        "responses judged. No target is set for {quarter}.",
                                        "有效回访计入交车所在的周；样本数为参与判定的有效回访数。{quarter} 未设定目标。"),
    "week": ("Week", "周"),
    "dates": ("Dates", "日期"),
    "satisfied_count": ("Satisfied + very satisfied", "满意及非常满意"),
    "visit": ("Visit", "工单"),
    "customer": ("Customer", "客户"),
    "phone": ("Phone", "电话"),
    "service_advisor": ("Service advisor", "服务顾问"),
    "handed_over": ("Handed over", "交车时间"),
    "attempts": ("Attempts", "回访次数"),
    "last_outcome": ("Last outcome", "最近结果"),
    "not_fixed": ("Fault not fixed", "故障未排除"),
    "followup": ("Follow-up", "回访"),
    "comment": ("Comment", "客户意见"),
    # complaints
    "complaint": ("Complaint", "投诉"),
    "category": ("Category", "类别"),
    "severity": ("Severity", "严重程度"),
    "promised": ("Promised", "承诺日期"),
    "deadline": ("Deadline", "期限"),
    "reasons": ("Why overdue", "逾期原因"),
    "pareto": ("Complaints by category (Pareto)", "投诉类别分布（帕累托）"),
    "times": ("Response and resolution", "响应与处理时间"),
    "median_response_hours": ("Median hours to first response", "首次响应中位小时数"),
    "median_resolution_days": ("Median days to resolution", "处理完成中位天数"),
    "satisfied_outcome": ("Satisfied with the outcome", "对处理结果满意"),
    "repeat_complainants": ("Repeat complainants", "重复投诉客户"),
    "complaint_log": ("Each complaint and its log", "投诉明细及处理记录"),
    "description": ("Description", "投诉内容"),
    "log": ("Log", "处理记录"),
    "at": ("At", "时间"),
    "by": ("By", "处理人"),
    "told_customer": ("Told the customer", "告知客户"),
    "escalation": ("Escalated", "升级"),
    "resolution": ("Resolution", "处理结果"),
    "compensation": ("Compensation", "补偿"),
    "resolved": ("Resolved", "解决时间"),
    "open_complaints": ("Open complaints on {day}", "截至 {day} 未结投诉"),
    "overdue_complaints": ("Overdue complaints on {day}", "截至 {day} 逾期投诉"),
    # complaints received in the period, each as it stood on the as-of day
    "received_in_period": ("Received in {period}", "{period} 收到的投诉"),
    "received_count": ("Received", "收到"),
    "open_of_received": ("Of these, open on {day}", "其中截至 {day} 未结"),
    "overdue_of_received": ("Of these, overdue on {day}", "其中截至 {day} 逾期"),
    "responded_in_time": ("First response within {hours} h", "{hours} 小时内首次响应"),
    "resolved_in_time": ("Resolved by the date promised (without a promise: within {days} days)",
                         "按承诺日期解决（未承诺的：{days} 天内）"),
    "in_time_of": ("{count} of {n} ({share})", "{count}/{n} 件（{share}）"),
    "not_yet_due": ("not yet due: {count}", "尚未到期 {count} 件"),
    "escalated_count": ("Escalated", "升级处理"),
    "compensated_count": ("Compensated", "给予补偿"),
    "outcome_unconfirmed": ("outcome not yet confirmed: {count}", "处理结果尚未确认 {count} 件"),
    "late_responses": ("First responses later than {hours} h", "首次响应超过 {hours} 小时"),
    "late_resolutions": ("Resolved after the deadline, or still open past it", "超过期限才解决或至今未解决"),
    "response_due": ("Respond by", "响应期限"),
    "first_response": ("First response", "首次响应"),
    "hours_taken": ("Hours taken", "用时（小时）"),
    "hours_late": ("Hours late", "超时（小时）"),
    "days_late": ("Days late", "逾期天数"),
    "none_yet": ("none yet", "尚无"),
    "still_open": ("still open", "尚未解决"),
    "deadline_promised": ("{day} (promised)", "{day}（承诺）"),
    "deadline_limit": ("{day} ({days}-day limit)", "{day}（{days} 天时限）"),
    "backlog_on": ("Backlog on {day}", "截至 {day} 的积压"),
    "backlog_open": ("Open on {day}, received in any period", "截至 {day} 未结（不论何时收到）"),
    "backlog_overdue": ("Overdue on {day}, received in any period", "截至 {day} 逾期（不论何时收到）"),
    "reason_deadline": ("{reason}: {deadline}", "{reason}：{deadline}"),
    "counter_measures": ("Improvement actions aimed at it", "针对该类别的改进措施"),
    "action_on": ("{id} {title} ({status}, due {due})", "{id} {title}（{status}，完成时间 {due}）"),
    "frequent_needs_action": ("**needs an action**: a frequent category (among those that make up {share} of the "
                              "complaints, with at least {count}) and no improvement action aimed at it.",
                              "**需制定措施**：常见类别（占投诉 {share} 的几个类别之一，且至少 {count} 件）尚无针对的改进措施。"),
    # care, retention
    "care_next": ("Falling due in the next {days} days", "未来 {days} 天内应提醒"),
    "care_lead": ("Insurance, driving licence and warranty expiries are reminded of 30 days ahead, the next "
                  "service 14 days ahead, the first service from the day the car was bought, birthdays on "
                  "the day.",
                  "保险、驾驶证和质保到期提前 30 天提醒，下次保养提前 14 天，首保自购车之日起提醒，生日当天提醒。"),
    "remind_on": ("Remind from", "提醒日期"),
    "reminder": ("Reminder", "提醒"),
    "do_not_call": ("do not call", "勿电话打扰"),
    "date": ("Date", "日期"),
    "vehicle": ("Vehicle", "车辆"),
    "active": ("Active", "活跃"),
    "at_risk": ("At risk", "流失风险"),
    "lost": ("Lost", "已流失"),
    "won_back": ("Won back", "已赢回"),
    "lost_since": ("Marked lost", "流失登记日期"),
    "came_back": ("Came back", "回店日期"),
    "retention_rate": ("12-month retention", "12个月保持率"),
    "lost_causes": ("Causes of loss", "流失原因"),
    "last_visit": ("Last visit", "最近到店"),
    "days_since": ("Days since", "间隔天数"),
    "warning_signs": ("Early warning signs", "流失预警信号"),
    "warning_signs_explained": (
        "Customers not lost who, in the last 365 days, complained, said a fault is not fixed, refused a "
        "follow-up call or lost their service advisor: most signs first. Call them before the silence shows.",
        "近 365 天内投诉过、反映故障未排除、拒绝回访或其服务顾问已离职的未流失客户，信号多者在前。"
        "请在客户久未到店之前主动联系。"),
    "signs": ("Signs", "信号"),
    "state": ("State", "状态"),
    "cause_label": ("Cause", "原因"),
    "note": ("Note", "备注"),
    # quality
    "warnings": ("Validator warnings", "校验警告"),
    "where": ("Where", "位置"),
    "code": ("Code", "代码"),
    "message": ("Message", "说明"),
    "integrity": ("Integrity signals", "真实性信号"),
    "signal": ("Signal", "信号"),
    "evidence": ("Evidence", "依据"),
    "no_warnings": ("No warnings: every record passed the checks.", "无警告：所有记录均通过校验。"),
    "no_signals": ("No integrity signals.", "无真实性信号。"),
    # one sentence per integrity signal kind, from its evidence (generator.stats.integrity)
    "signal_self_followup": (("{subject} followed up {count} visit they served",
                              "{subject} followed up {count} visits they served"),
                             "{subject} 回访了 {count} 台次本人经手的工单"),
    "signal_straight_lining": ("{subject}: {count} of {n} responses all top scores ({rate}) "
                               "against {garage_rate} for the garage",
                               "{subject}：{n} 份有效回访中 {count} 份全部满分（{rate}），全店为 {garage_rate}"),
    "signal_identical_timestamps": ("{subject} logged {count} follow-ups at {at}",
                                    "{subject} 在 {at} 同一分钟内录入了 {count} 条回访"),
    "signal_implausible_reach_rate": ("{subject} reached {reached} of {attempts} ({rate}) against {rest_rate} "
                                      "for the others",
                                      "{subject} 回访 {attempts} 次接通 {reached} 次（{rate}），其他人为 {rest_rate}"),
    "signal_implausible_scores": ("{subject}: mean score {mean} on {n} responses against {rest_mean} "
                                  "for the others",
                                  "{subject}：{n} 份有效回访平均分 {mean}，其他人为 {rest_mean}"),
    "signal_internal_external_gap": ("internal satisfied share {internal_share} against {external_share} "
                                     "from external surveys",
                                     "内部回访满意占比 {internal_share}，外部调查为 {external_share}"),
    "signal_repeat_survey": (("{subject} surveyed {count} answered visit or car sale again; {raised} scored "
                              "higher than the first answer",
                              "{subject} surveyed {count} answered visits or car sales again; {raised} scored "
                              "higher than the first answer"),
                             "{subject} 对 {count} 个已作答的工单或购车再次调查，其中 {raised} 次得分高于首次"),
    # why a repeat survey is a signal, and when it is not (generator.stats.integrity.repeat_surveys)
    "repeat_survey_rule": ("Each visit (each car sold) is surveyed once: only the first answer counts in the "
                           "CSI. A caller who surveys answered visits again is flagged as “repeat survey” "
                           "at three such calls, or at the first one that scored higher than the first "
                           "answer, because calling a happy customer again is how scores get faked good; "
                           "its evidence shows each repeat with the answer it repeats and both scores (0–100). "
                           "A call after the customer said the fault was not fixed, or complained about "
                           "the visit, is checking the repair or the complaint's outcome and is not "
                           "flagged. The signals on all top scores and implausible scores count every "
                           "answer a caller took, repeats included.",
                           "每个工单（每台售出的车）只调查一次，满意度指数只计首次答复。客服对已作答的工单再次调查"
                           "达到三次，或有一次得分高于首次答复，即标记为“重复调查”：再次致电满意的客户正是"
                           "制造虚假好成绩的常见做法；依据列出每次重复调查、其所重复的首次答复及两次得分"
                           "（0–100）。客户此前反映故障未排除或就该工单投诉后的回访，是在核实维修或投诉处理"
                           "结果，不作标记。“全部满分”和“得分异常偏高”两项信号计入客服的全部答复，包括重复调查。"),
    "monthly_report": ("Customer-relations monthly report", "客户关系中心月度报表"),
    "figures_as_of": ("figures as of {day}", "数据截至 {day}"),
    "monthly_as_of": ("Each month's figures are as they stood at the end of that month, as its report "
                      "would have said then.", "各月数据均为该月月末时的情况，与当时的月度报表一致。"),
    "change_on_previous_month": ("Change on the previous month", "较上月变化"),
    "actions_overdue_on": ("Actions overdue on {day}", "截至 {day} 逾期措施"),
    "months": ("Months", "月份列表"),
}

_LABELS = {
    "class": {"strength": ("strength", "优势"), "weakness": ("weakness", "劣势"),
              "neutral": ("neutral", "一般"), "too_few": ("too few", "样本不足")},
    "quadrant": {"concentrate_here": ("Concentrate here", "重点改进"),
                 "keep_up_the_good_work": ("Keep up the good work", "继续保持"),
                 "low_priority": ("Low priority", "次要改进"), "possible_overkill": ("Possible overkill", "可能过度")},
    "category": {"noise": ("noise", "异响"), "repeat_fault": ("repeat fault", "重复故障"),
                 "repair_quality": ("repair quality", "维修质量"), "workshop_damage": ("workshop damage", "车间损坏"),
                 "denied_fault": ("denied fault", "否认故障"), "brand_dispute": ("brand dispute", "厂家纠纷"),
                 "price": ("price", "价格"), "waiting_time": ("waiting time", "等待时间"),
                 "attitude": ("attitude", "服务态度"), "other": ("other", "其他")},
    "severity": {"low": ("low", "低"), "medium": ("medium", "中"), "high": ("high", "高"),
                 "critical": ("critical", "严重")},
    "complaint_status": {"open": ("open", "未处理"), "in_progress": ("in progress", "处理中"),
                         "resolved": ("resolved", "已解决"), "closed": ("closed", "已关闭")},
    "verdict": {"effective": ("effective", "有效"), "not_effective": ("not effective", "无效"),
                "no_effect_yet": ("no effect yet", "暂未见效"), "too_early": ("too early to tell", "为时尚早"),
                "too_few": ("too few to tell", "样本过少")},
    "loop_basis": {"found_in": ("named in the action", "措施登记的发现期"),
                   "weakness_month": ("month the item was a weakness", "判为劣势的月份"),
                   "before_start": ("as long as the action, before its start", "开始前同等天数")},
    "action_status": {"planned": ("planned", "计划中"), "in_progress": ("in progress", "进行中"),
                      "done": ("done", "已完成"), "cancelled": ("cancelled", "已取消"),
                      "overdue": ("overdue", "已逾期")},
    "action_kind": {"improve": ("improve", "改进"), "maintain": ("maintain", "保持")},
    # a visit's kind of work (`csi new visit` names the choices with these)
    "visit_type": {"maintenance": ("maintenance", "保养"), "repair": ("repair", "维修"),
                   "warranty": ("warranty", "保修索赔"), "accident": ("accident", "事故车维修"),
                   "inspection": ("inspection", "检测"), "recall": ("recall", "召回"), "other": ("other", "其他")},
    "channel": {"phone": ("phone", "电话"), "sms": ("SMS", "短信"), "mail": ("mail", "信函"),
                "face_to_face": ("face to face", "当面"), "online": ("online / WeChat", "在线/微信"),
                "followup": ("follow-up call", "回访"), "walk_in": ("walk-in", "到店"),
                "brand_hotline": ("brand hotline", "厂家热线"), "letter": ("letter", "信件"),
                "other": ("other", "其他")},
    "outcome": {"reached": ("reached", "接通"), "no_answer": ("no answer", "无人接听"), "busy": ("busy", "占线"),
                "wrong_number": ("wrong number", "号码错误"), "refused": ("refused", "拒访"),
                "call_back": ("call back", "约定回电"),
                "phoned_do_not_call": ("phoned, but the customer asked not to be called: send a message",
                                       "已电话接通，但客户要求勿电话打扰：请改发短信")},
    "role": {"service_advisor": ("service advisor", "服务顾问"), "technician": ("technician", "维修技师"),
             "customer_service": ("customer service", "客服专员"), "manager": ("manager", "经理")},
    "care": {"birthday": ("birthday", "生日"), "first_maintenance": ("first maintenance", "首保"),
             "next_service": ("next service due", "保养到期"),
             "insurance_expiry": ("insurance expiry", "保险到期"),
             "licence_expiry": ("driving licence expiry", "驾驶证到期"),
             "warranty_expiry": ("warranty expiry", "质保到期")},
    "lost_cause": {"product_quality": ("product quality", "产品质量"), "service_quality": ("service quality", "服务质量"),
                   "staff_left": ("staff left", "员工离职带走"), "no_innovation": ("no innovation", "缺乏创新"),
                   "let_go": ("let go", "主动放弃"), "competitor": ("competitor", "竞争对手吸引"),
                   "needs_changed": ("needs changed", "需求变化"), "bad_faith": ("bad faith", "恶意流失"),
                   "moved": ("moved", "搬迁"), "sold_car": ("sold the car", "卖车"), "other": ("other", "其他"),
                   # no cause recorded: counted lost for not coming back (stats.retention)
                   "unknown": ("not recorded (no recent visits)", "未记录（久未到店）")},
    "source": {"internal": ("internal", "内部"), "external": ("external", "外部")},
    "language": {"en": ("English", "英文"), "zh": ("Simplified Chinese", "简体中文")},
    "report_period": {"month": ("month", "月"), "quarter": ("quarter", "季度")},
    "warning_sign": {"complaint_unsatisfied": ("complaint outcome not satisfying", "投诉处理结果不满意"),
                     "complaint_open": ("complaint still open", "投诉未结"), "complained": ("complained", "投诉过"),
                     "fault_not_fixed": ("fault not fixed", "故障未排除"),
                     "refused_followup": ("refused a follow-up", "拒绝回访"),
                     "advisor_left": ("service advisor left", "服务顾问已离职")},
    "customer_state": {"active": ("active", "活跃"), "at_risk": ("at risk", "流失风险")},
    "survey_kind": {"service": ("service", "售后服务"), "sales": ("sales", "销售")},
    "band": {"very_satisfied": ("very satisfied", "非常满意"), "satisfied": ("satisfied", "满意"),
             "neutral": ("neutral", "一般"), "dissatisfied": ("dissatisfied", "不满意"),
             "very_dissatisfied": ("very dissatisfied", "非常不满意")},
    "overdue_reason": {"past_promise": ("past the promised date", "超过承诺日期"),
                       "past_resolution_limit": ("past the resolution limit", "超过处理时限"),
                       "no_first_response": ("no first response in time", "未及时首次响应"),
                       # (the worklist's: a promise that falls due within two days)
                       "deadline_near": ("promised date near", "临近承诺日期")},
    "signal": {"self_followup": ("self follow-up", "经手人自行回访"),
               "straight_lining": ("all top scores", "全部满分"),
               "identical_timestamps": ("identical times", "回访时间雷同"),
               "implausible_reach_rate": ("implausible reach rate", "接通率异常偏高"),
               "implausible_scores": ("implausible scores", "得分异常偏高"),
               "internal_external_gap": ("internal above external", "内部满意度高于外部"),
               "repeat_survey": ("repeat survey", "重复调查")},
    # the keys of an integrity signal's evidence
    "evidence": {"count": ("count", "数量"), "followups": ("follow-ups", "回访"), "n": ("n", "样本数"),
                 "rate": ("rate", "比率"), "garage_rate": ("garage rate", "全店比率"),
                 "rest_rate": ("others' rate", "其他人比率"), "p_value": ("p", "p 值"),
                 "at": ("at", "时间"), "attempts": ("attempts", "回访次数"), "reached": ("reached", "接通"),
                 "mean": ("mean", "平均分"), "rest_n": ("others' n", "其他人样本数"),
                 "rest_mean": ("others' mean", "其他人平均分"), "internal_n": ("internal n", "内部样本数"),
                 "internal_share": ("internal share", "内部满意占比"),
                 "external_n": ("external n", "外部样本数"),
                 "external_share": ("external share", "外部满意占比"),
                 "raised": ("scored higher", "得分高于首次")},
    # a validator warning's code (generator.problems.WARNING_CODES) in words
    "warning": {"unknown-folder": ("folder not read", "未读取的文件夹"),
                "txt-name": (".txt file name", "文件名以 .txt 结尾"),
                "comment-cut": ("text cut by #", "文本被 # 截断"),
                "plate-form": ("plate written another way", "车牌写法不规范"),
                "empty-answer": ("empty answer", "空白答案"),
                "unknown-item": ("unknown survey item", "问卷中无此项目"),
                "followup-overdue": ("follow-up overdue", "回访逾期"),
                "complaint-overdue": ("complaint past its promised date", "投诉超过承诺日期"),
                "do-not-call": ("phoned a do-not-call customer", "致电了拒绝来电的客户"),
                "lost-customer-back": ("lost customer came back", "已流失客户又回店"),
                "wrong-role": ("staff member in another role", "员工岗位不符"),
                "wrong-customer": ("visit of another customer", "工单属于其他客户"),
                "status-mismatch": ("status does not match its dates", "状态与日期不符")},
    # A validator warning's message, by its code (or the Problem's ``wording``), worded from its
    # facts (generator.problems.Problem.facts).  The English is the validator's own message,
    # word for word (a test holds them equal); the site words a warning in Chinese from these.
    "warning_message": {
        "unknown-folder": ("records/{folder}/ is not a record kind and is not read",
                           "records/{folder}/ 不是记录文件夹，其中的文件没有读取"),
        "txt-name": ("{name} is read as YAML, but its name ends in .txt",
                     "{name} 已按 YAML 读取，但文件名以 .txt 结尾"),
        "comment-cut": ("{field} stops at ' #': the rest of the line is a YAML comment and is lost",
                        "{field} 在“ #”处截断：这一行后面的内容被当作 YAML 注释，没有读取"),
        "plate-form": ("{field} {typed!r} is read as {read}", "车牌“{typed}”按 {read} 读取"),
        "empty-answer": ("answer to {item} is empty and counts as not applicable",
                         "项目 {item} 的答案为空，按“不适用”统计"),
        "unknown-item": ("questionnaire {questionnaire!r} has no item {item!r}; the answer is ignored",
                         "问卷 {questionnaire} 中没有项目 {item}，该答案不计入统计"),
        "followup-overdue": ("visit {visit} was handed over {handed_over} and has no follow-up attempt "
                             "after {window} days",
                             "工单 {visit} 于 {handed_over} 交车，已过 {window} 天仍没有回访记录"),
        "followup-overdue-no-call": ("visit {visit} was handed over {handed_over} and has no follow-up attempt "
                                     "by SMS, mail or WeChat after {window} days (the customer asked not to be "
                                     "called)",
                                     "工单 {visit} 于 {handed_over} 交车，已过 {window} 天仍没有短信、信函或微信回访"
                                     "记录（客户要求不要打电话）"),
        "complaint-overdue": ("complaint {complaint} is {complaint_status} past the date promised to the customer "
                              "({promised})",
                              "投诉 {complaint} 状态为“{complaint_status}”，已超过向客户承诺的日期（{promised}）"),
        "do-not-call": ("follow-up {followup} phoned customer {customer}, who asked not to be called",
                        "回访 {followup} 给要求不要打电话的客户 {customer} 打了电话"),
        "lost-customer-back": ("customer {customer} is marked lost since {lost} but came back on {returned} "
                               "(visit {visit})",
                               "客户 {customer} 自 {lost} 起登记为流失，但已于 {returned} 回店（工单 {visit}）"),
        "wrong-role": ("{field} {staff} ({name}) is a {role}, not a {expected_role}",
                       "{field} 填写的 {staff}（{name}）是{role}，不是{expected_role}"),
        "wrong-customer": ("visit {visit} is a visit of customer {visit_customer}, not {customer}",
                           "工单 {visit} 属于客户 {visit_customer}，不是客户 {customer}"),
        "status-mismatch": ("complaint has a resolved time but status {complaint_status}: it counts as open "
                            "(reopened)",
                            "投诉已填写解决时间，但状态为“{complaint_status}”：按未结（重新打开）统计"),
        "status-mismatch-action": ("action has a done date but status {action_status}",
                                   "措施已填写完成日期，但状态为“{action_status}”"),
    },
    # what to do about it, said on a Chinese page in place of the validator's English hint
    "warning_action": {
        "unknown-folder": ("move the files into a record folder, or out of records/",
                           "请将文件移入相应的记录文件夹，或移出 records/"),
        "txt-name": ("rename the file to end in .yaml", "请将文件改名为以 .yaml 结尾"),
        "comment-cut": ("put the whole text in quotes", "请将整段文本放在引号内"),
        "plate-form": ("write the plate in capitals without spaces or dots, e.g. 粤B12345",
                       "请按规范写法填写车牌：字母大写，不加空格或圆点，如 粤B12345"),
        "empty-answer": ("write a score or na", "请填写分数或 na"),
        "unknown-item": ("check the item id against the questionnaire", "请对照问卷核对项目编号"),
        "followup-overdue": ("call the customer and record the attempt", "请尽快致电客户，并记录回访"),
        "complaint-overdue": ("tell the customer where things stand, or resolve it", "请告知客户处理进展，或尽快解决"),
        "do-not-call": ("use SMS, mail or WeChat for this customer", "请改用短信、邮件或微信联系该客户"),
        "lost-customer-back": ("remove the customer's lost entry, or update it if they left again",
                               "请删除该客户的流失记录；如客户再次流失，请更新该记录"),
        "wrong-role": ("check the id or the person's role in garage.yaml", "请核对员工编号，或 garage.yaml 中的岗位"),
        "wrong-customer": ("check the customer or the visit", "请核对客户或工单"),
        "status-mismatch": ("make the status and the dates agree", "请使状态与日期一致"),
    },
}

STRINGS = MappingProxyType(_STRINGS)
LABELS = MappingProxyType({group: MappingProxyType(values) for group, values in _LABELS.items()})


def text(language: str, key: str, **values: object) -> str:
    """The UI string ``key`` in ``language``, with ``{name}`` fields filled in."""
    english, chinese = STRINGS[key]
    chosen = chinese if language == "zh" else english
    if isinstance(chosen, tuple):
        chosen = chosen[0] if values.get("count") == 1 else chosen[1]
    return chosen.format(**values) if values else chosen


def label(language: str, group: str, value: str | None) -> str:
    """An enum value in words; an unknown value shows as typed (the validator warns)."""
    if value is None:
        return ""
    pair = LABELS[group].get(value)
    if pair is None:
        return value
    return pair[1] if language == "zh" else pair[0]


def signal_sentence(language: str, signal: dict, percent, number) -> str:
    """An integrity signal in words of ``language``, from its evidence: the report's ``message``
    is English.  ``percent`` and ``number`` format its shares and means as the page or the
    terminal shows figures; a kind this table does not know keeps the report's message."""
    kind, e = signal["kind"], signal["evidence"]
    if kind == "self_followup":
        values = {"count": e["count"]}
    elif kind == "straight_lining":
        values = {"count": e["count"], "n": e["n"], "rate": percent(e["rate"]), "garage_rate": percent(e["garage_rate"])}
    elif kind == "identical_timestamps":
        values = {"count": e["count"], "at": str(e["at"]).replace("T", " ")}
    elif kind == "implausible_reach_rate":
        values = {"reached": e["reached"], "attempts": e["attempts"], "rate": percent(e["rate"]),
                  "rest_rate": percent(e["rest_rate"])}
    elif kind == "implausible_scores":
        values = {"n": e["n"], "mean": number(e["mean"]), "rest_mean": number(e["rest_mean"])}
    elif kind == "internal_external_gap":
        values = {"internal_share": percent(e["internal_share"]), "external_share": percent(e["external_share"])}
    elif kind == "repeat_survey":
        values = {"count": e["count"], "raised": e["raised"]}
    else:
        return signal["message"]
    return text(language, f"signal_{kind}", subject=signal.get("subject"), **values)


# The facts of a warning that are choices: worded by these label groups, in Chinese only
# (the English message shows them as typed, as `csi validate` prints them)
_WARNING_FACT_LABELS = {"complaint_status": "complaint_status", "action_status": "action_status",
                        "role": "role", "expected_role": "role"}


def warning_sentence(language: str, problem) -> str:
    """A validator warning (``generator.problems.Problem``) in words of ``language``: in English
    the validator's message; in Chinese its sentence of "warning_message", from its facts.
    A warning worded without facts keeps its message, whatever the language."""
    pair = LABELS["warning_message"].get(problem.wording or problem.code)
    if language == "en" or pair is None or not problem.facts:
        return problem.message
    facts = {name: label(language, _WARNING_FACT_LABELS[name], value) if name in _WARNING_FACT_LABELS else value
             for name, value in problem.facts}
    return pair[1].format(**facts)
