-- TSBS devops queries as tsbs_generate_queries writes them for TimescaleDB with
-- --timescale-use-tags=false (databases/timescaledb/devops.go; see
-- ../shared/reference/tsbs.md, appendix A), with hosts and windows chosen for
-- the five hosts and one day of ../../../testdata/slt/data/cpu.lp. TSBS sends
-- no trailing semicolon. Each query follows a "-- name: <type>" line.

-- name: single-groupby-1-1-1
SELECT time_bucket('60 seconds', time) AS minute,
        max(usage_user) as max_usage_user
        FROM cpu
        WHERE hostname IN ('host_1') AND time >= '2016-01-01 02:17:08.646325 +0000' AND time < '2016-01-01 03:17:08.646325 +0000'
        GROUP BY minute ORDER BY minute ASC

-- name: single-groupby-1-1-12
SELECT time_bucket('60 seconds', time) AS minute,
        max(usage_user) as max_usage_user
        FROM cpu
        WHERE hostname IN ('host_1') AND time >= '2016-01-01 02:47:52.646325 +0000' AND time < '2016-01-01 14:47:52.646325 +0000'
        GROUP BY minute ORDER BY minute ASC

-- name: single-groupby-1-8-1
SELECT time_bucket('60 seconds', time) AS minute,
        max(usage_user) as max_usage_user
        FROM cpu
        WHERE hostname IN ('host_4','host_3','host_0','host_2','host_1','host_7','host_9','host_11') AND time >= '2016-01-01 02:17:08.646325 +0000' AND time < '2016-01-01 03:17:08.646325 +0000'
        GROUP BY minute ORDER BY minute ASC

-- name: single-groupby-5-1-1
SELECT time_bucket('60 seconds', time) AS minute,
        max(usage_user) as max_usage_user, max(usage_system) as max_usage_system, max(usage_idle) as max_usage_idle, max(usage_nice) as max_usage_nice, max(usage_iowait) as max_usage_iowait
        FROM cpu
        WHERE hostname IN ('host_2') AND time >= '2016-01-01 02:17:08.646325 +0000' AND time < '2016-01-01 03:17:08.646325 +0000'
        GROUP BY minute ORDER BY minute ASC

-- name: single-groupby-5-1-12
SELECT time_bucket('60 seconds', time) AS minute,
        max(usage_user) as max_usage_user, max(usage_system) as max_usage_system, max(usage_idle) as max_usage_idle, max(usage_nice) as max_usage_nice, max(usage_iowait) as max_usage_iowait
        FROM cpu
        WHERE hostname IN ('host_2') AND time >= '2016-01-01 02:47:52.646325 +0000' AND time < '2016-01-01 14:47:52.646325 +0000'
        GROUP BY minute ORDER BY minute ASC

-- name: single-groupby-5-8-1
SELECT time_bucket('60 seconds', time) AS minute,
        max(usage_user) as max_usage_user, max(usage_system) as max_usage_system, max(usage_idle) as max_usage_idle, max(usage_nice) as max_usage_nice, max(usage_iowait) as max_usage_iowait
        FROM cpu
        WHERE hostname IN ('host_4','host_3','host_0','host_2','host_1','host_7','host_9','host_11') AND time >= '2016-01-01 02:17:08.646325 +0000' AND time < '2016-01-01 03:17:08.646325 +0000'
        GROUP BY minute ORDER BY minute ASC

-- name: cpu-max-all-1
SELECT time_bucket('3600 seconds', time) AS hour,
        max(usage_user) as max_usage_user, max(usage_system) as max_usage_system, max(usage_idle) as max_usage_idle, max(usage_nice) as max_usage_nice, max(usage_iowait) as max_usage_iowait, max(usage_irq) as max_usage_irq, max(usage_softirq) as max_usage_softirq, max(usage_steal) as max_usage_steal, max(usage_guest) as max_usage_guest, max(usage_guest_nice) as max_usage_guest_nice
        FROM cpu
        WHERE hostname IN ('host_3') AND time >= '2016-01-01 05:24:59 +0000' AND time < '2016-01-01 13:24:59 +0000'
        GROUP BY hour ORDER BY hour

-- name: cpu-max-all-8
SELECT time_bucket('3600 seconds', time) AS hour,
        max(usage_user) as max_usage_user, max(usage_system) as max_usage_system, max(usage_idle) as max_usage_idle, max(usage_nice) as max_usage_nice, max(usage_iowait) as max_usage_iowait, max(usage_irq) as max_usage_irq, max(usage_softirq) as max_usage_softirq, max(usage_steal) as max_usage_steal, max(usage_guest) as max_usage_guest, max(usage_guest_nice) as max_usage_guest_nice
        FROM cpu
        WHERE hostname IN ('host_4','host_3','host_0','host_2','host_1','host_7','host_9','host_11') AND time >= '2016-01-01 05:24:59 +0000' AND time < '2016-01-01 13:24:59 +0000'
        GROUP BY hour ORDER BY hour

-- name: cpu-max-all-32-24
SELECT time_bucket('3600 seconds', time) AS hour,
        max(usage_user) as max_usage_user, max(usage_system) as max_usage_system, max(usage_idle) as max_usage_idle, max(usage_nice) as max_usage_nice, max(usage_iowait) as max_usage_iowait, max(usage_irq) as max_usage_irq, max(usage_softirq) as max_usage_softirq, max(usage_steal) as max_usage_steal, max(usage_guest) as max_usage_guest, max(usage_guest_nice) as max_usage_guest_nice
        FROM cpu
        WHERE hostname IN ('host_0','host_1','host_2','host_3','host_4','host_5','host_6','host_7','host_8','host_9','host_10','host_11','host_12','host_13','host_14','host_15','host_16','host_17','host_18','host_19','host_20','host_21','host_22','host_23','host_24','host_25','host_26','host_27','host_28','host_29','host_30','host_31') AND time >= '2016-01-01 00:00:00.5 +0000' AND time < '2016-01-02 00:00:00.5 +0000'
        GROUP BY hour ORDER BY hour

-- name: double-groupby-1

        WITH cpu_avg AS (
          SELECT time_bucket('3600 seconds', time) as hour, hostname,
          avg(usage_user) as mean_usage_user
          FROM cpu
          WHERE time >= '2016-01-01 02:47:52.646325 +0000' AND time < '2016-01-01 14:47:52.646325 +0000'
          GROUP BY 1, 2
        )
        SELECT hour, hostname, mean_usage_user
        FROM cpu_avg
        
        ORDER BY hour, hostname

-- name: double-groupby-5

        WITH cpu_avg AS (
          SELECT time_bucket('3600 seconds', time) as hour, hostname,
          avg(usage_user) as mean_usage_user, avg(usage_system) as mean_usage_system, avg(usage_idle) as mean_usage_idle, avg(usage_nice) as mean_usage_nice, avg(usage_iowait) as mean_usage_iowait
          FROM cpu
          WHERE time >= '2016-01-01 02:47:52.646325 +0000' AND time < '2016-01-01 14:47:52.646325 +0000'
          GROUP BY 1, 2
        )
        SELECT hour, hostname, mean_usage_user, mean_usage_system, mean_usage_idle, mean_usage_nice, mean_usage_iowait
        FROM cpu_avg
        
        ORDER BY hour, hostname

-- name: double-groupby-all

        WITH cpu_avg AS (
          SELECT time_bucket('3600 seconds', time) as hour, hostname,
          avg(usage_user) as mean_usage_user, avg(usage_system) as mean_usage_system, avg(usage_idle) as mean_usage_idle, avg(usage_nice) as mean_usage_nice, avg(usage_iowait) as mean_usage_iowait, avg(usage_irq) as mean_usage_irq, avg(usage_softirq) as mean_usage_softirq, avg(usage_steal) as mean_usage_steal, avg(usage_guest) as mean_usage_guest, avg(usage_guest_nice) as mean_usage_guest_nice
          FROM cpu
          WHERE time >= '2016-01-01 02:47:52.646325 +0000' AND time < '2016-01-01 14:47:52.646325 +0000'
          GROUP BY 1, 2
        )
        SELECT hour, hostname, mean_usage_user, mean_usage_system, mean_usage_idle, mean_usage_nice, mean_usage_iowait, mean_usage_irq, mean_usage_softirq, mean_usage_steal, mean_usage_guest, mean_usage_guest_nice
        FROM cpu_avg
        
        ORDER BY hour, hostname

-- name: high-cpu-1
SELECT * FROM cpu WHERE usage_user > 90.0 and time >= '2016-01-01 02:20:52.138978 +0000' AND time < '2016-01-01 14:20:52.138978 +0000' AND hostname IN ('host_3')

-- name: high-cpu-all
SELECT * FROM cpu WHERE usage_user > 90.0 and time >= '2016-01-01 02:47:52.646325 +0000' AND time < '2016-01-01 14:47:52.646325 +0000' 

-- name: groupby-orderby-limit
SELECT time_bucket('60 seconds', time) AS minute, max(usage_user)
        FROM cpu
        WHERE time < '2016-01-01 03:17:08.646325 +0000'
        GROUP BY minute
        ORDER BY minute DESC
        LIMIT 5

-- name: lastpoint
SELECT DISTINCT ON (hostname) * FROM cpu ORDER BY hostname, time DESC
