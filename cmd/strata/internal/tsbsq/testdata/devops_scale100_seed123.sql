-- single-groupby-1-1-1 ordered=true
SELECT time_bucket('60 seconds', time) AS minute,
        max(usage_user) as max_usage_user
        FROM cpu
        WHERE hostname IN ('host_19') AND time >= '2016-01-01 01:27:03.419485 +0000' AND time < '2016-01-01 02:27:03.419485 +0000'
        GROUP BY minute ORDER BY minute ASC;
-- single-groupby-1-1-1 ordered=true
SELECT time_bucket('60 seconds', time) AS minute,
        max(usage_user) as max_usage_user
        FROM cpu
        WHERE hostname IN ('host_2') AND time >= '2016-01-01 14:44:04.999967 +0000' AND time < '2016-01-01 15:44:04.999967 +0000'
        GROUP BY minute ORDER BY minute ASC;
-- single-groupby-1-1-12 ordered=true
SELECT time_bucket('60 seconds', time) AS minute,
        max(usage_user) as max_usage_user
        FROM cpu
        WHERE hostname IN ('host_94') AND time >= '2016-01-01 02:53:20.016262 +0000' AND time < '2016-01-01 14:53:20.016262 +0000'
        GROUP BY minute ORDER BY minute ASC;
-- single-groupby-1-1-12 ordered=true
SELECT time_bucket('60 seconds', time) AS minute,
        max(usage_user) as max_usage_user
        FROM cpu
        WHERE hostname IN ('host_54') AND time >= '2016-01-01 05:45:35.765543 +0000' AND time < '2016-01-01 17:45:35.765543 +0000'
        GROUP BY minute ORDER BY minute ASC;
-- single-groupby-1-8-1 ordered=true
SELECT time_bucket('60 seconds', time) AS minute,
        max(usage_user) as max_usage_user
        FROM cpu
        WHERE hostname IN ('host_3','host_63','host_89','host_78','host_2','host_52','host_57','host_54') AND time >= '2016-01-01 14:18:53.661696 +0000' AND time < '2016-01-01 15:18:53.661696 +0000'
        GROUP BY minute ORDER BY minute ASC;
-- single-groupby-1-8-1 ordered=true
SELECT time_bucket('60 seconds', time) AS minute,
        max(usage_user) as max_usage_user
        FROM cpu
        WHERE hostname IN ('host_81','host_35','host_83','host_17','host_19','host_22','host_13','host_89') AND time >= '2016-01-01 03:02:02.3757 +0000' AND time < '2016-01-01 04:02:02.3757 +0000'
        GROUP BY minute ORDER BY minute ASC;
-- single-groupby-5-1-1 ordered=true
SELECT time_bucket('60 seconds', time) AS minute,
        max(usage_user) as max_usage_user, max(usage_system) as max_usage_system, max(usage_idle) as max_usage_idle, max(usage_nice) as max_usage_nice, max(usage_iowait) as max_usage_iowait
        FROM cpu
        WHERE hostname IN ('host_13') AND time >= '2016-01-01 15:28:35.121423 +0000' AND time < '2016-01-01 16:28:35.121423 +0000'
        GROUP BY minute ORDER BY minute ASC;
-- single-groupby-5-1-1 ordered=true
SELECT time_bucket('60 seconds', time) AS minute,
        max(usage_user) as max_usage_user, max(usage_system) as max_usage_system, max(usage_idle) as max_usage_idle, max(usage_nice) as max_usage_nice, max(usage_iowait) as max_usage_iowait
        FROM cpu
        WHERE hostname IN ('host_4') AND time >= '2016-01-01 16:52:17.180236 +0000' AND time < '2016-01-01 17:52:17.180236 +0000'
        GROUP BY minute ORDER BY minute ASC;
-- single-groupby-5-1-12 ordered=true
SELECT time_bucket('60 seconds', time) AS minute,
        max(usage_user) as max_usage_user, max(usage_system) as max_usage_system, max(usage_idle) as max_usage_idle, max(usage_nice) as max_usage_nice, max(usage_iowait) as max_usage_iowait
        FROM cpu
        WHERE hostname IN ('host_85') AND time >= '2016-01-01 01:57:21.016352 +0000' AND time < '2016-01-01 13:57:21.016352 +0000'
        GROUP BY minute ORDER BY minute ASC;
-- single-groupby-5-1-12 ordered=true
SELECT time_bucket('60 seconds', time) AS minute,
        max(usage_user) as max_usage_user, max(usage_system) as max_usage_system, max(usage_idle) as max_usage_idle, max(usage_nice) as max_usage_nice, max(usage_iowait) as max_usage_iowait
        FROM cpu
        WHERE hostname IN ('host_87') AND time >= '2016-01-01 05:52:30.16696 +0000' AND time < '2016-01-01 17:52:30.16696 +0000'
        GROUP BY minute ORDER BY minute ASC;
-- single-groupby-5-8-1 ordered=true
SELECT time_bucket('60 seconds', time) AS minute,
        max(usage_user) as max_usage_user, max(usage_system) as max_usage_system, max(usage_idle) as max_usage_idle, max(usage_nice) as max_usage_nice, max(usage_iowait) as max_usage_iowait
        FROM cpu
        WHERE hostname IN ('host_78','host_17','host_6','host_9','host_64','host_39','host_11','host_88') AND time >= '2016-01-01 22:50:37.620173 +0000' AND time < '2016-01-01 23:50:37.620173 +0000'
        GROUP BY minute ORDER BY minute ASC;
-- single-groupby-5-8-1 ordered=true
SELECT time_bucket('60 seconds', time) AS minute,
        max(usage_user) as max_usage_user, max(usage_system) as max_usage_system, max(usage_idle) as max_usage_idle, max(usage_nice) as max_usage_nice, max(usage_iowait) as max_usage_iowait
        FROM cpu
        WHERE hostname IN ('host_66','host_26','host_15','host_3','host_89','host_97','host_87','host_99') AND time >= '2016-01-01 06:36:16.136042 +0000' AND time < '2016-01-01 07:36:16.136042 +0000'
        GROUP BY minute ORDER BY minute ASC;
-- cpu-max-all-1 ordered=true
SELECT time_bucket('3600 seconds', time) AS hour,
        max(usage_user) as max_usage_user, max(usage_system) as max_usage_system, max(usage_idle) as max_usage_idle, max(usage_nice) as max_usage_nice, max(usage_iowait) as max_usage_iowait, max(usage_irq) as max_usage_irq, max(usage_softirq) as max_usage_softirq, max(usage_steal) as max_usage_steal, max(usage_guest) as max_usage_guest, max(usage_guest_nice) as max_usage_guest_nice
        FROM cpu
        WHERE hostname IN ('host_45') AND time >= '2016-01-01 04:21:05.077365 +0000' AND time < '2016-01-01 12:21:05.077365 +0000'
        GROUP BY hour ORDER BY hour;
-- cpu-max-all-1 ordered=true
SELECT time_bucket('3600 seconds', time) AS hour,
        max(usage_user) as max_usage_user, max(usage_system) as max_usage_system, max(usage_idle) as max_usage_idle, max(usage_nice) as max_usage_nice, max(usage_iowait) as max_usage_iowait, max(usage_irq) as max_usage_irq, max(usage_softirq) as max_usage_softirq, max(usage_steal) as max_usage_steal, max(usage_guest) as max_usage_guest, max(usage_guest_nice) as max_usage_guest_nice
        FROM cpu
        WHERE hostname IN ('host_42') AND time >= '2016-01-01 14:11:48.422922 +0000' AND time < '2016-01-01 22:11:48.422922 +0000'
        GROUP BY hour ORDER BY hour;
-- cpu-max-all-8 ordered=true
SELECT time_bucket('3600 seconds', time) AS hour,
        max(usage_user) as max_usage_user, max(usage_system) as max_usage_system, max(usage_idle) as max_usage_idle, max(usage_nice) as max_usage_nice, max(usage_iowait) as max_usage_iowait, max(usage_irq) as max_usage_irq, max(usage_softirq) as max_usage_softirq, max(usage_steal) as max_usage_steal, max(usage_guest) as max_usage_guest, max(usage_guest_nice) as max_usage_guest_nice
        FROM cpu
        WHERE hostname IN ('host_34','host_98','host_43','host_92','host_0','host_72','host_37','host_48') AND time >= '2016-01-01 03:26:43.895216 +0000' AND time < '2016-01-01 11:26:43.895216 +0000'
        GROUP BY hour ORDER BY hour;
-- cpu-max-all-8 ordered=true
SELECT time_bucket('3600 seconds', time) AS hour,
        max(usage_user) as max_usage_user, max(usage_system) as max_usage_system, max(usage_idle) as max_usage_idle, max(usage_nice) as max_usage_nice, max(usage_iowait) as max_usage_iowait, max(usage_irq) as max_usage_irq, max(usage_softirq) as max_usage_softirq, max(usage_steal) as max_usage_steal, max(usage_guest) as max_usage_guest, max(usage_guest_nice) as max_usage_guest_nice
        FROM cpu
        WHERE hostname IN ('host_23','host_43','host_11','host_89','host_49','host_36','host_98','host_33') AND time >= '2016-01-01 02:41:18.75091 +0000' AND time < '2016-01-01 10:41:18.75091 +0000'
        GROUP BY hour ORDER BY hour;
-- double-groupby-1 ordered=true

        WITH cpu_avg AS (
          SELECT time_bucket('3600 seconds', time) as hour, hostname,
          avg(usage_user) as mean_usage_user
          FROM cpu
          WHERE time >= '2016-01-01 02:41:38.94041 +0000' AND time < '2016-01-01 14:41:38.94041 +0000'
          GROUP BY 1, 2
        )
        SELECT hour, hostname, mean_usage_user
        FROM cpu_avg
        
        ORDER BY hour, hostname;
-- double-groupby-1 ordered=true

        WITH cpu_avg AS (
          SELECT time_bucket('3600 seconds', time) as hour, hostname,
          avg(usage_user) as mean_usage_user
          FROM cpu
          WHERE time >= '2016-01-01 07:57:13.085447 +0000' AND time < '2016-01-01 19:57:13.085447 +0000'
          GROUP BY 1, 2
        )
        SELECT hour, hostname, mean_usage_user
        FROM cpu_avg
        
        ORDER BY hour, hostname;
-- double-groupby-5 ordered=true

        WITH cpu_avg AS (
          SELECT time_bucket('3600 seconds', time) as hour, hostname,
          avg(usage_user) as mean_usage_user, avg(usage_system) as mean_usage_system, avg(usage_idle) as mean_usage_idle, avg(usage_nice) as mean_usage_nice, avg(usage_iowait) as mean_usage_iowait
          FROM cpu
          WHERE time >= '2016-01-01 02:55:00.224704 +0000' AND time < '2016-01-01 14:55:00.224704 +0000'
          GROUP BY 1, 2
        )
        SELECT hour, hostname, mean_usage_user, mean_usage_system, mean_usage_idle, mean_usage_nice, mean_usage_iowait
        FROM cpu_avg
        
        ORDER BY hour, hostname;
-- double-groupby-5 ordered=true

        WITH cpu_avg AS (
          SELECT time_bucket('3600 seconds', time) as hour, hostname,
          avg(usage_user) as mean_usage_user, avg(usage_system) as mean_usage_system, avg(usage_idle) as mean_usage_idle, avg(usage_nice) as mean_usage_nice, avg(usage_iowait) as mean_usage_iowait
          FROM cpu
          WHERE time >= '2016-01-01 01:36:46.396965 +0000' AND time < '2016-01-01 13:36:46.396965 +0000'
          GROUP BY 1, 2
        )
        SELECT hour, hostname, mean_usage_user, mean_usage_system, mean_usage_idle, mean_usage_nice, mean_usage_iowait
        FROM cpu_avg
        
        ORDER BY hour, hostname;
-- double-groupby-all ordered=true

        WITH cpu_avg AS (
          SELECT time_bucket('3600 seconds', time) as hour, hostname,
          avg(usage_user) as mean_usage_user, avg(usage_system) as mean_usage_system, avg(usage_idle) as mean_usage_idle, avg(usage_nice) as mean_usage_nice, avg(usage_iowait) as mean_usage_iowait, avg(usage_irq) as mean_usage_irq, avg(usage_softirq) as mean_usage_softirq, avg(usage_steal) as mean_usage_steal, avg(usage_guest) as mean_usage_guest, avg(usage_guest_nice) as mean_usage_guest_nice
          FROM cpu
          WHERE time >= '2016-01-01 02:25:15.84544 +0000' AND time < '2016-01-01 14:25:15.84544 +0000'
          GROUP BY 1, 2
        )
        SELECT hour, hostname, mean_usage_user, mean_usage_system, mean_usage_idle, mean_usage_nice, mean_usage_iowait, mean_usage_irq, mean_usage_softirq, mean_usage_steal, mean_usage_guest, mean_usage_guest_nice
        FROM cpu_avg
        
        ORDER BY hour, hostname;
-- double-groupby-all ordered=true

        WITH cpu_avg AS (
          SELECT time_bucket('3600 seconds', time) as hour, hostname,
          avg(usage_user) as mean_usage_user, avg(usage_system) as mean_usage_system, avg(usage_idle) as mean_usage_idle, avg(usage_nice) as mean_usage_nice, avg(usage_iowait) as mean_usage_iowait, avg(usage_irq) as mean_usage_irq, avg(usage_softirq) as mean_usage_softirq, avg(usage_steal) as mean_usage_steal, avg(usage_guest) as mean_usage_guest, avg(usage_guest_nice) as mean_usage_guest_nice
          FROM cpu
          WHERE time >= '2016-01-01 01:28:10.029016 +0000' AND time < '2016-01-01 13:28:10.029016 +0000'
          GROUP BY 1, 2
        )
        SELECT hour, hostname, mean_usage_user, mean_usage_system, mean_usage_idle, mean_usage_nice, mean_usage_iowait, mean_usage_irq, mean_usage_softirq, mean_usage_steal, mean_usage_guest, mean_usage_guest_nice
        FROM cpu_avg
        
        ORDER BY hour, hostname;
-- high-cpu-1 ordered=false
SELECT * FROM cpu WHERE usage_user > 90.0 and time >= '2016-01-01 03:32:38.433642 +0000' AND time < '2016-01-01 15:32:38.433642 +0000' AND hostname IN ('host_26');
-- high-cpu-1 ordered=false
SELECT * FROM cpu WHERE usage_user > 90.0 and time >= '2016-01-01 05:21:36.389501 +0000' AND time < '2016-01-01 17:21:36.389501 +0000' AND hostname IN ('host_55');
-- high-cpu-all ordered=false
SELECT * FROM cpu WHERE usage_user > 90.0 and time >= '2016-01-01 08:25:26.916312 +0000' AND time < '2016-01-01 20:25:26.916312 +0000' ;
-- high-cpu-all ordered=false
SELECT * FROM cpu WHERE usage_user > 90.0 and time >= '2016-01-01 11:45:37.69416 +0000' AND time < '2016-01-01 23:45:37.69416 +0000' ;
-- groupby-orderby-limit ordered=true
SELECT time_bucket('60 seconds', time) AS minute, max(usage_user)
        FROM cpu
        WHERE time < '2016-01-01 10:31:37.251564 +0000'
        GROUP BY minute
        ORDER BY minute DESC
        LIMIT 5;
-- groupby-orderby-limit ordered=true
SELECT time_bucket('60 seconds', time) AS minute, max(usage_user)
        FROM cpu
        WHERE time < '2016-01-01 21:21:11.162783 +0000'
        GROUP BY minute
        ORDER BY minute DESC
        LIMIT 5;
-- lastpoint ordered=true
SELECT DISTINCT ON (hostname) * FROM cpu ORDER BY hostname, time DESC;
-- lastpoint ordered=true
SELECT DISTINCT ON (hostname) * FROM cpu ORDER BY hostname, time DESC;
-- cpu-max-all-32-24 ordered=true
SELECT time_bucket('3600 seconds', time) AS hour,
        max(usage_user) as max_usage_user, max(usage_system) as max_usage_system, max(usage_idle) as max_usage_idle, max(usage_nice) as max_usage_nice, max(usage_iowait) as max_usage_iowait, max(usage_irq) as max_usage_irq, max(usage_softirq) as max_usage_softirq, max(usage_steal) as max_usage_steal, max(usage_guest) as max_usage_guest, max(usage_guest_nice) as max_usage_guest_nice
        FROM cpu
        WHERE hostname IN ('host_96','host_87','host_58','host_18','host_57','host_32','host_15','host_82','host_30','host_35','host_92','host_79','host_38','host_69','host_20','host_2','host_1','host_21','host_95','host_54','host_83','host_41','host_76','host_65','host_94','host_88','host_81','host_50','host_51','host_11','host_43','host_48') AND time >= '2016-01-01 00:00:00 +0000' AND time < '2016-01-02 00:00:00 +0000'
        GROUP BY hour ORDER BY hour;
-- cpu-max-all-32-24 ordered=true
SELECT time_bucket('3600 seconds', time) AS hour,
        max(usage_user) as max_usage_user, max(usage_system) as max_usage_system, max(usage_idle) as max_usage_idle, max(usage_nice) as max_usage_nice, max(usage_iowait) as max_usage_iowait, max(usage_irq) as max_usage_irq, max(usage_softirq) as max_usage_softirq, max(usage_steal) as max_usage_steal, max(usage_guest) as max_usage_guest, max(usage_guest_nice) as max_usage_guest_nice
        FROM cpu
        WHERE hostname IN ('host_51','host_72','host_67','host_68','host_74','host_24','host_50','host_92','host_91','host_35','host_26','host_1','host_29','host_76','host_28','host_3','host_41','host_19','host_57','host_23','host_30','host_54','host_65','host_36','host_79','host_10','host_6','host_33','host_0','host_59','host_61','host_52') AND time >= '2016-01-01 00:00:00 +0000' AND time < '2016-01-02 00:00:00 +0000'
        GROUP BY hour ORDER BY hour;
