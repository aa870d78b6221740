package storage

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
)

// defaultPageCacheBytes is the page cache's default budget: a quarter of
// the memory this process may use (its cgroup's limit, else the machine's),
// at most DefaultPageCacheBytes, so that a small container keeps room for
// the write buffer and queries.
func defaultPageCacheBytes() int64 {
	mem := systemMemory()
	if mem <= 0 {
		return DefaultPageCacheBytes
	}
	return min(DefaultPageCacheBytes, mem/4)
}

// systemMemory returns the memory limit of this process's cgroup (v2 or
// v1) or, without one, the machine's total memory; 0 if unknown.
func systemMemory() int64 {
	total := memTotal()
	for _, path := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		n, err := strconv.ParseInt(string(bytes.TrimSpace(b)), 10, 64)
		if err != nil || n <= 0 { // "max": no limit
			continue
		}
		if total <= 0 || n < total {
			return n
		}
	}
	return total
}

// memTotal reads MemTotal from /proc/meminfo; 0 if it cannot.
func memTotal() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return 0
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0
		}
		return kb << 10
	}
	return 0
}
