-- push_time_range: the time conditions leave the filter and become the scan's exact range
SELECT time_bucket('60 seconds', time) AS minute, max(usage_user) AS max_usage_user FROM cpu WHERE hostname IN ('host_1') AND time >= '2016-01-01 02:17:08.646325 +0000' AND time < '2016-01-01 03:17:08.646325 +0000' GROUP BY minute ORDER BY minute ASC

-- push_time_range: > and <= become [t+1ns, t+1ns)
SELECT count(*) FROM cpu WHERE time > '2016-01-01 00:00:00Z' AND time <= '2016-01-01 01:00:00Z'

-- push_tag_filter: tag equality prunes by statistics, the filter stays exact
SELECT * FROM cpu WHERE usage_user > 90.0 AND hostname = 'host_3' AND time >= '2016-01-01 10:00:00Z' AND time < '2016-01-01 22:00:00Z'

-- sort_limit_to_topk: ORDER BY ... LIMIT keeps only offset+limit rows
SELECT time_bucket('60 seconds', time) AS minute, max(usage_user) FROM cpu WHERE time < '2016-01-01 03:17:08.646325 +0000' GROUP BY minute ORDER BY minute DESC LIMIT 5 OFFSET 2

-- projection pushdown: the scan reads only the named columns
SELECT hostname, avg(usage_idle) FROM cpu GROUP BY hostname

-- DISTINCT ON sorts by its keys then keeps the first row of each
SELECT DISTINCT ON (hostname) hostname, time, usage_user FROM cpu ORDER BY hostname, time DESC

-- joins: equi-keys become hash keys, the rest a residual filter
SELECT c.hostname, h.team FROM cpu c JOIN hosts h ON c.hostname = h.hostname AND c.usage_user > h.cores

-- ASOF JOIN: keys and the nearest-row inequality; WHERE filters the left input early, the right one only after the join (its rows decide which is nearest)
SELECT c.hostname, c.time, h.team FROM cpu c ASOF JOIN hosts h ON c.hostname = h.hostname AND c.time >= h.time WHERE c.usage_user > 90 AND h.team = 'web' AND c.time < '2016-01-01 06:00:00Z'

-- constant folding: the cast and the arithmetic are computed once
SELECT count(*) FROM cpu WHERE usage_user > 45 + 5 AND time >= '2016-01-01'::timestamptz + interval '1 hour'

-- decorrelation: a correlated EXISTS is a semi join on the correlation keys
SELECT hostname FROM hosts h WHERE EXISTS (SELECT 1 FROM cpu c WHERE c.hostname = h.hostname AND c.usage_user = 100)

-- decorrelation: a correlated scalar aggregate is a grouped left join; count's no-match is 0
SELECT hostname, (SELECT count(*) FROM cpu c WHERE c.hostname = h.hostname) FROM hosts h

-- push_filter_into_join: FROM a, b WHERE ... becomes a hash join; one-sided conditions filter (and prune) their input
SELECT c.hostname, h.team FROM cpu c, hosts h WHERE c.hostname = h.hostname AND h.cores > 4 AND c.time >= '2016-01-01 12:00:00Z' AND c.usage_user > h.cores

-- a correlated subquery whose correlation is not only equality runs once per outer row (SubPlan)
SELECT h.hostname, (SELECT max(c.usage_user) FROM cpu c WHERE c.hostname = h.hostname AND c.usage_user > h.cores) FROM hosts h

-- recent_buckets: ORDER BY bucket DESC LIMIT over GROUP BY that bucket runs over the newest buckets first
SELECT time_bucket('1 minute', time) AS minute, max(usage_user) FROM cpu WHERE time < '2016-01-01 12:02:04.7 +0000' GROUP BY minute ORDER BY minute DESC LIMIT 5

-- partial_aggregate: the scan's workers aggregate the splits they read, then their groups merge
SELECT hostname, count(*), avg(usage_user), max(usage_system) FROM cpu WHERE usage_idle > 10 GROUP BY hostname

-- partial_aggregate does not apply where states do not merge (string_agg keeps every value)
SELECT hostname, string_agg(DISTINCT region, ',') FROM cpu GROUP BY hostname

-- grouping sets: Expand repeats each batch per set (keys left out NULL, the set number added) in the scan's workers; one aggregate groups them all
SELECT time_bucket('1 hour', time) AS hour, hostname, max(usage_user), grouping(hostname) FROM cpu WHERE time < '2016-01-01 02:00:00Z' GROUP BY ROLLUP (hour, hostname)

-- a CTE named twice is computed once (Shared); one named once is inlined,
-- its filter pushed into the scan
WITH t AS (SELECT hostname, avg(usage_user) a FROM cpu GROUP BY hostname), u AS (SELECT * FROM cpu WHERE hostname = 'host_1') SELECT x.hostname FROM t x JOIN t y ON x.a < y.a JOIN u ON u.hostname = x.hostname

-- push_filter_into_join: a condition on a join key also limits the other input (its scan's time range, its tag filter)
SELECT a.hostname, count(*) FROM cpu a JOIN cpu b ON a.time = b.time AND a.hostname = b.hostname WHERE a.time < '2016-01-01 01:00:00Z' AND b.hostname IN ('host_1', 'host_2') GROUP BY 1

-- push_filter_into_join: an ON clause's conditions on one input filter it (an outer join's inner input only)
SELECT a.time, b.usage_user FROM cpu a LEFT JOIN cpu b ON a.time = b.time AND b.hostname = 'host_2' AND a.usage_user > 50 WHERE a.hostname = 'host_1'

-- push_filter_into_join: WHERE's condition on a LEFT JOIN's preserved input's join key also limits the inner input (its rows that fail it could join only rows dropped)
SELECT c.time, c.usage_user, p.usage_user FROM cpu c LEFT JOIN cpu p ON p.hostname = c.hostname AND p.time = c.time - interval '10 seconds' WHERE c.hostname = 'host_9' AND c.usage_user > 90

-- recent_rows: ORDER BY time DESC LIMIT runs over the newest rows first
SELECT hostname, usage_user FROM cpu WHERE hostname = 'host_1' ORDER BY time DESC LIMIT 3

-- sort_limit_to_topk: the limit reaches a sort under a projection
SELECT hostname FROM cpu ORDER BY usage_user DESC, time LIMIT 2

-- partial_aggregate: percentiles of bigint or double precision merge by appending, so they run per split
SELECT hostname, percentile_cont(0.99) WITHIN GROUP (ORDER BY usage_user), percentile_disc(0.5) WITHIN GROUP (ORDER BY usage_system DESC) FROM cpu GROUP BY hostname

-- limit_below_project: without ORDER BY the limit runs before the select list, which is computed for the rows returned only
SELECT hostname, usage_user * 2 + usage_system FROM cpu LIMIT 3

-- prune_columns: an aggregate nothing reads is not computed (a subquery's or a view's column the query leaves), nor are the columns only it read
SELECT h, peak FROM (SELECT hostname AS h, avg(usage_user) AS mean, max(usage_system) AS peak, count(DISTINCT usage_idle) FROM cpu GROUP BY 1) s WHERE peak > 90

-- prune_columns: UNION ALL's inputs read only the columns read above it; count(*) reads one per input
SELECT count(*), max(h) FROM (SELECT hostname AS h, usage_user FROM cpu UNION ALL SELECT hostname, cores FROM hosts) s

-- prune_columns: a window passes on only the columns read above it and by its functions
SELECT rn FROM (SELECT hostname, usage_user / 0 AS z, row_number() OVER (ORDER BY time) AS rn FROM cpu) s WHERE rn < 3

-- a query with windows and no ORDER BY sorts its rows by the window computed last
SELECT hostname, lag(usage_user) OVER (PARTITION BY hostname ORDER BY time), rank() OVER (ORDER BY usage_user DESC) FROM cpu

-- window_sorted: ORDER BY a window's PARTITION BY and ORDER BY keys takes the rows in the order the window sorted them, without sorting again
SELECT hostname, time, avg(usage_user) OVER (PARTITION BY hostname ORDER BY time ROWS 5 PRECEDING) FROM cpu ORDER BY hostname, time

-- window_partition_limit: a top-k sorted first by the window's PARTITION BY computes only the first partitions that hold its rows
SELECT hostname, time, usage_user - lag(usage_user) OVER (PARTITION BY hostname ORDER BY time) FROM cpu ORDER BY hostname DESC, time LIMIT 3

-- merge_filters: TABLESAMPLE's filter and the WHERE clause over it become one filter over the scan, so push_time_range and push_tag_filter still narrow the scan
SELECT hostname, usage_user FROM cpu TABLESAMPLE BERNOULLI (10) REPEATABLE (1) WHERE time >= '2016-01-01 06:00' AND hostname = 'host_1'

-- TABLESAMPLE SYSTEM is a block sample the scan asks storage for: pages it leaves are not read
SELECT avg(usage_user) FROM cpu TABLESAMPLE SYSTEM (5) WHERE time < '2016-01-01 12:00'

-- push_filter_below_project: a condition on a subquery's renamed time and cast tag reaches the scan as its time range and tag; the one on a computed column stays above
SELECT * FROM (SELECT time AS t, hostname::text AS h, usage_user * 2 AS u2 FROM cpu) s WHERE t >= '2016-01-01 05:00:00Z' AND h = 'host_1' AND u2 > 10

-- push_filter_into_union: a condition over UNION ALL filters each input, down to its scan
SELECT * FROM (SELECT time, hostname, usage_user FROM cpu WHERE usage_user > 90 UNION ALL SELECT time, hostname, usage_system FROM cpu) s WHERE time < '2016-01-01 01:00:00Z' AND hostname = 'host_2'

-- push_filter_below_aggregate: a condition on a subquery's group keys filters the rows before they are grouped; the bucket's bounds become the scan's exact range [05:00, 07:00), the tag condition prunes by statistics
SELECT * FROM (SELECT time_bucket('1 hour', time) AS b, hostname, avg(usage_user) FROM cpu GROUP BY 1, 2) AS v(b, h, a) WHERE b >= '2016-01-01 05:00:00Z' AND b < '2016-01-01 07:00:00Z' AND h = 'host_1' AND a > 10

-- push_time_range: a bucket compared with a time off its grid is the exact range of its rows: buckets >= 10:02 start at 10:05, buckets <= 10:58 end at 11:00
SELECT count(*) FROM cpu WHERE time_bucket('5 minutes', time) >= '2016-01-01 10:02:00Z' AND date_bin('15 minutes', time, '2016-01-01') <= '2016-01-01 10:58:00Z'

-- push_filter_below_aggregate: not under an aggregate without keys (it answers a row for no rows)
SELECT * FROM (SELECT count(*) AS n FROM cpu) s WHERE n > 0
