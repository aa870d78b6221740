package objstore

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLocalPutOpenListDelete(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	s, err := NewLocal(root)
	require.NoError(t, err)

	n, err := s.Put(ctx, "dbs/a/t/2016-01-01/1.parquet", bytes.NewReader([]byte("hello")))
	require.NoError(t, err)
	require.EqualValues(t, 5, n)
	_, err = s.Put(ctx, "dbs/a/u/2016-01-02/2.parquet", bytes.NewReader([]byte("world!")))
	require.NoError(t, err)

	o, err := s.Open(ctx, "dbs/a/t/2016-01-01/1.parquet")
	require.NoError(t, err)
	require.EqualValues(t, 5, o.Size())
	buf := make([]byte, 3)
	_, err = o.ReadAt(buf, 2)
	require.NoError(t, err)
	require.Equal(t, "llo", string(buf))
	require.NoError(t, o.Close())

	infos, err := s.List(ctx, "dbs/a/")
	require.NoError(t, err)
	require.Equal(t, []Info{{"dbs/a/t/2016-01-01/1.parquet", 5}, {"dbs/a/u/2016-01-02/2.parquet", 6}}, infos)

	require.NoError(t, s.Delete(ctx, "dbs/a/t/2016-01-01/1.parquet"))
	require.NoError(t, s.Delete(ctx, "dbs/a/t/2016-01-01/1.parquet"), "deleting twice is fine")
	_, err = os.Stat(filepath.Join(root, "dbs/a/t"))
	require.True(t, os.IsNotExist(err), "empty partition and table directories are removed")
	_, err = s.Open(ctx, "dbs/a/t/2016-01-01/1.parquet")
	require.ErrorIs(t, err, ErrNotExist)
}

func TestLocalRejectsBadKeys(t *testing.T) {
	s, err := NewLocal(t.TempDir())
	require.NoError(t, err)
	for _, key := range []string{"", "/abs", "a/../b", "a//b", "a/./b", "..", "a\\b", "a\x00b"} {
		_, err := s.Put(context.Background(), key, bytes.NewReader(nil))
		require.Error(t, err, "key %q", key)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestLocalPutFailureLeavesNothing(t *testing.T) {
	root := t.TempDir()
	s, err := NewLocal(root)
	require.NoError(t, err)
	_, err = s.Put(context.Background(), "x/y.parquet", io.MultiReader(bytes.NewReader([]byte("part")), failingReader{}))
	require.ErrorContains(t, err, "disk on fire")
	entries, err := os.ReadDir(filepath.Join(root, "x"))
	require.NoError(t, err)
	require.Empty(t, entries, "no object and no temporary file remain")
}

func TestCleanTemp(t *testing.T) {
	root := t.TempDir()
	s, err := NewLocal(root)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Join(root, "d"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "d", "f.parquet.123.tmp"), []byte("x"), 0o644))
	infos, err := s.List(context.Background(), "")
	require.NoError(t, err)
	require.Empty(t, infos)
	require.NoError(t, s.CleanTemp())
	_, err = os.Stat(filepath.Join(root, "d", "f.parquet.123.tmp"))
	require.True(t, os.IsNotExist(err))
}
