package tsbs

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"
)

// Measurement is the table the cpu-only data set writes.
const Measurement = "cpu"

// TagKeys are the tag keys of every row, in the order they are written.
var TagKeys = [...]string{"hostname", "region", "datacenter", "rack", "os", "arch", "team", "service", "service_version", "service_environment"}

// FieldKeys are the int64 fields of every row, in the order they are written.
var FieldKeys = [...]string{"usage_user", "usage_system", "usage_idle", "usage_nice", "usage_iowait", "usage_irq", "usage_softirq", "usage_steal", "usage_guest", "usage_guest_nice"}

// FieldsPerRow is the number of values in a row (TSBS counts these as metrics).
const FieldsPerRow = len(FieldKeys)

// DefaultStart is the time of the first row, as in TSBS's examples.
var DefaultStart = time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)

// DefaultInterval is the time between two rows of a host.
const DefaultInterval = 10 * time.Second

// Config is the whole input of the generator: the same Config gives the same
// bytes.
type Config struct {
	// Scale is the number of hosts (series).
	Scale int
	// Rows is the number of lines to generate.
	Rows int64
	// Seed drives the tag choices and the random walks.
	Seed uint64
	// Start is the first timestamp (DefaultStart when zero).
	Start time.Time
	// Interval is the time between a host's rows (DefaultInterval when zero).
	Interval time.Duration
}

func (c *Config) setDefaults() {
	if c.Start.IsZero() {
		c.Start = DefaultStart
	}
	if c.Interval == 0 {
		c.Interval = DefaultInterval
	}
}

// RowsFor is the number of rows that covers d for scale hosts, one row per
// host every interval (DefaultInterval when zero).
func RowsFor(scale int, d, interval time.Duration) int64 {
	if interval <= 0 {
		interval = DefaultInterval
	}
	return int64(scale) * int64((d+interval-1)/interval)
}

// Host is one host's tag values, in TagKeys order.
type Host [len(TagKeys)]string

// These are the value lists hosts draw their tags from: AWS regions with
// their availability zones, and small sets of the other attributes.
var (
	regions = []struct {
		name  string
		zones []string
	}{
		{"us-east-1", []string{"a", "b", "c", "e"}},
		{"us-west-1", []string{"a", "b"}},
		{"us-west-2", []string{"a", "b", "c"}},
		{"eu-west-1", []string{"a", "b", "c"}},
		{"eu-central-1", []string{"a", "b"}},
		{"ap-southeast-1", []string{"a", "b"}},
		{"ap-southeast-2", []string{"a", "b"}},
		{"ap-northeast-1", []string{"a", "c"}},
		{"sa-east-1", []string{"a", "b", "c"}},
	}
	oses         = []string{"Ubuntu16.10", "Ubuntu16.04LTS", "Ubuntu15.10"}
	arches       = []string{"x64", "x86"}
	teams        = []string{"SF", "NYC", "LON", "CHI"}
	environments = []string{"production", "staging", "test"}
)

const (
	racks           = 100
	services        = 20
	serviceVersions = 2
)

// CPU generates the cpu-only data set line by line. It is not safe for
// concurrent use.
type CPU struct {
	cfg     Config
	hosts   []Host
	prefix  [][]byte  // per host: "cpu,hostname=...,service_environment=... "
	walk    []float64 // per host × field: the random walk's position
	rng     *rand.Rand
	emitted int64
	ts      int64 // timestamp of the current round, ns
	host    int   // next host of the current round
}

// NewCPU returns a generator of cfg's rows.
func NewCPU(cfg Config) (*CPU, error) {
	cfg.setDefaults()
	if cfg.Scale <= 0 {
		return nil, fmt.Errorf("tsbs: scale %d: need at least one host", cfg.Scale)
	}
	if cfg.Rows < 0 {
		return nil, fmt.Errorf("tsbs: rows %d: must not be negative", cfg.Rows)
	}
	if cfg.Interval < 0 {
		return nil, fmt.Errorf("tsbs: interval %s: must be positive", cfg.Interval)
	}
	g := &CPU{
		cfg:    cfg,
		hosts:  make([]Host, cfg.Scale),
		prefix: make([][]byte, cfg.Scale),
		walk:   make([]float64, cfg.Scale*FieldsPerRow),
		rng:    rand.New(rand.NewPCG(cfg.Seed, 0x57a7a_0002)),
		ts:     cfg.Start.UnixNano(),
	}
	tags := rand.New(rand.NewPCG(cfg.Seed, 0x57a7a_0001))
	for i := range g.hosts {
		g.hosts[i] = newHost(i, tags)
		g.prefix[i] = appendPrefix(nil, &g.hosts[i])
	}
	for i := range g.walk {
		g.walk[i] = g.rng.Float64() * 100
	}
	return g, nil
}

func newHost(i int, r *rand.Rand) Host {
	reg := regions[r.IntN(len(regions))]
	return Host{
		"host_" + strconv.Itoa(i),
		reg.name,
		reg.name + reg.zones[r.IntN(len(reg.zones))],
		strconv.Itoa(r.IntN(racks)),
		oses[r.IntN(len(oses))],
		arches[r.IntN(len(arches))],
		teams[r.IntN(len(teams))],
		strconv.Itoa(r.IntN(services)),
		strconv.Itoa(r.IntN(serviceVersions)),
		environments[r.IntN(len(environments))],
	}
}

func appendPrefix(dst []byte, h *Host) []byte {
	dst = append(dst, Measurement...)
	for i, k := range TagKeys {
		dst = append(dst, ',')
		dst = append(dst, k...)
		dst = append(dst, '=')
		dst = append(dst, h[i]...)
	}
	return append(dst, ' ')
}

// Hosts returns the hosts' tags; index i is host_i. The caller must not
// modify them.
func (g *CPU) Hosts() []Host { return g.hosts }

// Config returns the generator's configuration, defaults applied.
func (g *CPU) Config() Config { return g.cfg }

// Remaining is the number of rows still to generate.
func (g *CPU) Remaining() int64 { return g.cfg.Rows - g.emitted }

// AppendLine appends the next row and its '\n' to dst. It returns dst
// unchanged and false when every row has been generated.
func (g *CPU) AppendLine(dst []byte) ([]byte, bool) {
	if g.emitted >= g.cfg.Rows {
		return dst, false
	}
	h := g.host
	dst = append(dst, g.prefix[h]...)
	walk := g.walk[h*FieldsPerRow : (h+1)*FieldsPerRow]
	for i := range walk {
		v := walk[i] + g.rng.NormFloat64()
		v = min(max(v, 0), 100)
		walk[i] = v
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, FieldKeys[i]...)
		dst = append(dst, '=')
		dst = strconv.AppendInt(dst, int64(v), 10)
		dst = append(dst, 'i')
	}
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, g.ts, 10)
	dst = append(dst, '\n')
	g.emitted++
	g.host++
	if g.host == len(g.hosts) {
		g.host = 0
		g.ts += int64(g.cfg.Interval)
	}
	return dst, true
}

// WriteTo writes every remaining row to w, in chunks of about 1 MiB, and
// returns the bytes written.
func (g *CPU) WriteTo(w io.Writer) (int64, error) {
	const chunk = 1 << 20
	var total int64
	buf := make([]byte, 0, chunk+4<<10)
	for {
		var ok bool
		buf, ok = g.AppendLine(buf)
		if ok && len(buf) < chunk {
			continue
		}
		n, err := w.Write(buf)
		total += int64(n)
		if err != nil {
			return total, fmt.Errorf("tsbs: write rows: %w", err)
		}
		buf = buf[:0]
		if !ok {
			return total, nil
		}
	}
}
