"""The daily gate digest's delivery: when it is due (`schedule`), sending it at least once and never twice (`job`),
the scheduler that ticks the job (`scheduler`) and `deliverybot digest --post` for a system cron (`cron`).

Its content is `planner.digest` (data) worded by `bot.render.digest_text`; its Slack message is
the Slack layer's digest blocks, posted by its digest poster (`cron` calls it for `--post`).
"""
