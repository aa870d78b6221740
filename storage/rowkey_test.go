package storage

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRowKeys: a batch's row keys are the keys of its rows read back from
// a file, and distinct rows have distinct keys (an empty tag is not a
// NULL one, a value's length is part of it).
func TestRowKeys(t *testing.T) {
	dir := t.TempDir()
	e := openTest(t, dir)
	defer e.Close()
	batch := batchOf(t, "cpu", "10 host=a usage=1", "10 host=ab usage=1", "10 - usage=1", "20 host=a,dc=b usage=1", "20 host=ab usage=1")
	batch.Tags[0].Dict = append(batch.Tags[0].Dict, "")
	batch.Tags[0].Codes[2] = int32(len(batch.Tags[0].Dict) - 1) // host='' at 10
	batch.Time = append(batch.Time, 10)
	batch.Rows++
	for i := range batch.Tags {
		batch.Tags[i].Codes = append(batch.Tags[i].Codes, -1) // every tag NULL at 10
	}
	batch.Fields[0].Floats = append(batch.Fields[0].Floats, 1)
	tags := []string{"dc", "host"}
	want := batch.RowKeys(tags)
	require.Len(t, want, 6)
	distinct := map[string]bool{}
	for _, k := range want {
		distinct[k] = true
	}
	require.Len(t, distinct, 6)

	write(t, e, "db", batch)
	require.NoError(t, e.Persist(ctx))
	snap, err := e.Snapshot(all("cpu"))
	require.NoError(t, err)
	defer snap.Release()
	r := snap.Reader(ctx)
	defer r.Release()
	var got []string
	for r.Next() {
		keyOf, err := RecordKeys(r.Record(), tags)
		require.NoError(t, err)
		for i := range int(r.Record().NumRows()) {
			got = append(got, string(keyOf(nil, i)))
		}
	}
	require.NoError(t, r.Err())
	require.ElementsMatch(t, want, got)
}
