# single-groupby-1-1-1
SELECT time_bucket('60 seconds', time) AS minute,
        max(usage_user) as max_usage_user
        FROM cpu
        WHERE hostname IN ('host_49') AND time >= '2016-01-01 02:17:08.646325 +0000' AND time < '2016-01-01 03:17:08.646325 +0000'
        GROUP BY minute ORDER BY minute ASC
# single-groupby-1-8-1
SELECT time_bucket('60 seconds', time) AS minute,
        max(usage_user) as max_usage_user
        FROM cpu
        WHERE hostname IN ('host_49','host_3','host_35','host_39','host_75','host_15','host_21','host_11') AND time >= '2016-01-01 02:17:08.646325 +0000' AND time < '2016-01-01 03:17:08.646325 +0000'
        GROUP BY minute ORDER BY minute ASC
# single-groupby-5-1-12
SELECT time_bucket('60 seconds', time) AS minute,
        max(usage_user) as max_usage_user, max(usage_system) as max_usage_system, max(usage_idle) as max_usage_idle, max(usage_nice) as max_usage_nice, max(usage_iowait) as max_usage_iowait
        FROM cpu
        WHERE hostname IN ('host_49') AND time >= '2016-01-01 07:47:52.646325 +0000' AND time < '2016-01-01 19:47:52.646325 +0000'
        GROUP BY minute ORDER BY minute ASC
# cpu-max-all-1
SELECT time_bucket('3600 seconds', time) AS hour,
        max(usage_user) as max_usage_user, max(usage_system) as max_usage_system, max(usage_idle) as max_usage_idle, max(usage_nice) as max_usage_nice, max(usage_iowait) as max_usage_iowait, max(usage_irq) as max_usage_irq, max(usage_softirq) as max_usage_softirq, max(usage_steal) as max_usage_steal, max(usage_guest) as max_usage_guest, max(usage_guest_nice) as max_usage_guest_nice
        FROM cpu
        WHERE hostname IN ('host_49') AND time >= '2016-01-01 08:24:59.646325 +0000' AND time < '2016-01-01 16:24:59.646325 +0000'
        GROUP BY hour ORDER BY hour
# double-groupby-1
        WITH cpu_avg AS (
          SELECT time_bucket('3600 seconds', time) as hour, hostname,
          avg(usage_user) as mean_usage_user
          FROM cpu
          WHERE time >= '2016-01-01 07:47:52.646325 +0000' AND time < '2016-01-01 19:47:52.646325 +0000'
          GROUP BY 1, 2
        )
        SELECT hour, hostname, mean_usage_user
        FROM cpu_avg
        
        ORDER BY hour, hostname
# high-cpu-1
SELECT * FROM cpu WHERE usage_user > 90.0 and time >= '2016-01-01 10:20:52.138978 +0000' AND time < '2016-01-01 22:20:52.138978 +0000' AND hostname IN ('host_35')
# high-cpu-all
SELECT * FROM cpu WHERE usage_user > 90.0 and time >= '2016-01-01 07:47:52.646325 +0000' AND time < '2016-01-01 19:47:52.646325 +0000' 
# groupby-orderby-limit
SELECT time_bucket('60 seconds', time) AS minute, max(usage_user)
        FROM cpu
        WHERE time < '2016-01-01 03:17:08.646325 +0000'
        GROUP BY minute
        ORDER BY minute DESC
        LIMIT 5
# lastpoint
SELECT DISTINCT ON (hostname) * FROM cpu ORDER BY hostname, time DESC
# tags: single-groupby with tags table
SELECT time_bucket('60 seconds', time) AS minute, max(usage_user) as max_usage_user FROM cpu WHERE tags_id IN (SELECT id FROM tags WHERE hostname IN ('host_49')) AND time >= '2016-01-01 02:17:08.646325 +0000' AND time < '2016-01-01 03:17:08.646325 +0000' GROUP BY minute ORDER BY minute ASC
# tags: lastpoint with lateral join
SELECT DISTINCT ON (t.hostname) * FROM tags t INNER JOIN LATERAL(SELECT * FROM cpu c WHERE c.tags_id = t.id ORDER BY time DESC LIMIT 1) AS b ON true ORDER BY t.hostname, b.time DESC
# nobucket: to_timestamp(extract(epoch)::int)
SELECT to_timestamp(((extract(epoch from time)::int)/60)*60) AS minute, max(usage_user) as max_usage_user FROM cpu WHERE hostname IN ('host_49') AND time >= '2016-01-01 02:17:08.646325 +0000' AND time < '2016-01-01 03:17:08.646325 +0000' GROUP BY minute ORDER BY minute ASC
