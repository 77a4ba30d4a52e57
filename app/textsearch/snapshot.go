package textsearch

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"slices"

	roaring "github.com/RoaringBitmap/roaring/v2"
)

// A snapshot is the index written to a file, so that an instance starting again loads it in
// seconds and reads from the database only what was written since its sequence. It begins with
// a magic string and format version, the caller's kind (what its documents and terms are made
// by: a snapshot of another kind is refused) and the configuration, and ends with a CRC-32 of
// everything before it, so a cut or damaged file is refused instead of loaded.

const (
	snapshotMagic   = "ZFTXTIDX"
	snapshotVersion = 1
)

// ErrSnapshot is wrapped by Read's errors about the file itself: damaged, cut, of another
// format version, kind or configuration.
var ErrSnapshot = errors.New("unusable search index snapshot")

// termsPerLock is how many terms a snapshot copies per hold of the read lock, so writers wait
// at most a few milliseconds while a large index is written out.
const termsPerLock = 2000

// WriteSnapshot writes the index as it is now to w, tagged with kind. It holds the index's read
// lock only in short stretches: the documents live when it starts are written, and their
// postings, which later writes do not change (a written document gets a new slot).
// extra is the caller's own, given back by ReadSnapshot.
func (ix *Index) WriteSnapshot(w io.Writer, kind string, extra []byte) error {
	ix.mu.RLock()
	n := len(ix.ids)
	ids := ix.ids[:n]
	keys := make([][]uint64, len(ix.keys))
	for k := range keys {
		keys[k] = ix.keys[k][:n]
	}
	live := ix.live.Clone()
	seq := ix.seq
	type named struct {
		name string
		bm   *roaring.Bitmap
	}
	dims := make([][]named, len(ix.dims))
	for d := range ix.dims {
		for i, v := range ix.dims[d].vals {
			dims[d] = append(dims[d], named{v, roaring.And(ix.dims[d].bm[i], live)})
		}
	}
	nterms := len(ix.text.names)
	// Terms are written in the order of their names, so a reader need not sort them.
	names := ix.text.names[:nterms]
	sorted, pending := slices.Clone(ix.text.sorted), slices.Clone(ix.text.pending)
	ix.mu.RUnlock()
	order := mergeByName(names, sorted, pending)

	e := newEncoder(w)
	e.str(snapshotMagic)
	e.uvarint(snapshotVersion)
	e.str(kind)
	e.str(string(extra))
	e.uvarint(uint64(ix.cfg.Dims))
	e.uvarint(uint64(len(ix.cfg.KeyWidths)))
	for _, kw := range ix.cfg.KeyWidths {
		e.uvarint(kw)
	}
	e.varint(seq)
	e.uvarint(uint64(n))
	for _, id := range ids {
		e.varint(id)
	}
	for _, ks := range keys {
		for _, v := range ks {
			e.uvarint(v)
		}
	}
	e.bitmap(live)
	for _, vs := range dims {
		e.uvarint(uint64(len(vs)))
		for _, v := range vs {
			e.str(v.name)
			e.bitmap(v.bm)
		}
	}
	// Terms in chunks; a term whose documents are all gone since is left out.
	type term struct {
		name   string
		levels []level
	}
	for from := 0; from < len(order) && e.err == nil; from += termsPerLock {
		var chunk []term
		ix.mu.RLock()
		for _, t := range order[from:min(from+termsPerLock, len(order))] {
			var ls []level
			for _, l := range ix.text.post[t] {
				if bm := roaring.And(l.bm, live); !bm.IsEmpty() {
					ls = append(ls, level{l.w, bm})
				}
			}
			if len(ls) > 0 {
				chunk = append(chunk, term{ix.text.names[t], ls})
			}
		}
		ix.mu.RUnlock()
		for _, t := range chunk {
			e.uvarint(uint64(len(t.levels)))
			e.str(t.name)
			for _, l := range t.levels {
				e.uvarint(uint64(l.w))
				e.bitmap(l.bm)
			}
		}
	}
	e.uvarint(0) // no more terms
	return e.finish()
}

// ReadSnapshot loads an index of cfg written by WriteSnapshot with kind. Any error means the
// snapshot cannot be used (errors.Is ErrSnapshot when the file is at fault).
func ReadSnapshot(r io.Reader, cfg Config, kind string) (ix *Index, extra []byte, err error) {
	defer func() {
		// A damaged bitmap may make the decoder panic rather than fail.
		if p := recover(); p != nil {
			ix, extra, err = nil, nil, fmt.Errorf("%w: %v", ErrSnapshot, p)
		}
	}()
	d := newDecoder(r)
	if d.str() != snapshotMagic {
		return nil, nil, d.fail("not a search index snapshot")
	}
	if v := d.uvarint(); v != snapshotVersion {
		return nil, nil, d.fail(fmt.Sprintf("format version %d, want %d", v, snapshotVersion))
	}
	if k := d.str(); k != kind {
		return nil, nil, d.fail(fmt.Sprintf("kind %q, want %q", k, kind))
	}
	extra = d.bytes()
	if int(d.uvarint()) != cfg.Dims || int(d.uvarint()) != len(cfg.KeyWidths) {
		return nil, nil, d.fail("another configuration")
	}
	for _, kw := range cfg.KeyWidths {
		if d.uvarint() != kw {
			return nil, nil, d.fail("another configuration")
		}
	}
	ix = New(cfg)
	ix.seq = d.varint()
	n := d.uvarint()
	if d.err != nil || n > 1<<32 {
		return nil, nil, d.fail("bad slot count")
	}
	// Grown as read, so a damaged count fails at the end of the file, not in a huge allocation.
	ix.ids = make([]int64, 0, min(n, 1<<20))
	for i := uint64(0); i < n && d.err == nil; i++ {
		ix.ids = append(ix.ids, d.varint())
	}
	for k := range ix.keys {
		ix.keys[k] = make([]uint64, 0, min(n, 1<<20))
		for i := uint64(0); i < n && d.err == nil; i++ {
			ix.keys[k] = append(ix.keys[k], d.uvarint())
		}
	}
	ix.live = d.bitmap()
	// The slots' map and key buckets are made on another core while the facets and terms are read.
	placed := make(chan error, 1)
	go func() { placed <- ix.place(n) }()
	for di := range ix.dims {
		dm := &ix.dims[di]
		nv := d.uvarint()
		for range nv {
			if d.err != nil {
				break
			}
			dm.id(d.str())
			dm.bm[len(dm.bm)-1] = d.bitmap()
		}
	}
	for d.err == nil {
		nl := d.uvarint()
		if nl == 0 || d.err != nil {
			break
		}
		t := ix.text.id(d.str())
		for range nl {
			w := int16(d.uvarint())
			ix.text.post[t] = append(ix.text.post[t], level{w, d.bitmap()})
		}
	}
	err = d.finish()
	if perr := <-placed; err == nil {
		err = perr
	}
	if err != nil {
		return nil, nil, err
	}
	ix.text.merge(0)
	ix.version = 1
	return ix, extra, nil
}

// place fills the map of live slots and the keys' buckets of an index read from a snapshot of
// n slots.
func (ix *Index) place(n uint64) error {
	if uint64(len(ix.ids)) != n {
		return nil // the decoder failed: its error is reported
	}
	for k := range ix.keys {
		if uint64(len(ix.keys[k])) != n {
			return nil
		}
	}
	ix.slot = make(map[int64]uint32, ix.live.GetCardinality())
	it := ix.live.ManyIterator()
	buf := make([]uint32, 1024)
	for m := it.NextMany(buf); m > 0; m = it.NextMany(buf) {
		for _, s := range buf[:m] {
			if uint64(s) >= n {
				return fmt.Errorf("%w: live slot %d of %d", ErrSnapshot, s, n)
			}
			ix.slot[ix.ids[s]] = s
			for k := range ix.keys {
				ix.buckets[k].add(ix.keys[k][s], s)
			}
		}
	}
	return nil
}

type encoder struct {
	out io.Writer
	w   *bufio.Writer
	crc hash.Hash32
	buf []byte
	err error
}

func newEncoder(w io.Writer) *encoder {
	crc := crc32.NewIEEE()
	return &encoder{out: w, w: bufio.NewWriterSize(io.MultiWriter(w, crc), 1<<20), crc: crc}
}

func (e *encoder) write(p []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(p)
	}
}

func (e *encoder) uvarint(v uint64) { e.buf = binary.AppendUvarint(e.buf[:0], v); e.write(e.buf) }
func (e *encoder) varint(v int64)   { e.buf = binary.AppendVarint(e.buf[:0], v); e.write(e.buf) }
func (e *encoder) str(s string)     { e.uvarint(uint64(len(s))); e.write([]byte(s)) }

func (e *encoder) bitmap(bm *roaring.Bitmap) {
	bm.RunOptimize()
	b, err := bm.ToBytes()
	if err != nil && e.err == nil {
		e.err = err
	}
	e.uvarint(uint64(len(b)))
	e.write(b)
}

func (e *encoder) finish() error {
	if e.err != nil {
		return e.err
	}
	if err := e.w.Flush(); err != nil {
		return err
	}
	_, err := e.out.Write(binary.BigEndian.AppendUint32(nil, e.crc.Sum32()))
	return err
}

type decoder struct {
	raw *bufio.Reader
	r   *summed
	err error
}

// summed reads through raw, adding what it returns to the checksum.
type summed struct {
	raw *bufio.Reader
	crc hash.Hash32
	one [1]byte
}

func (s *summed) Read(p []byte) (int, error) {
	n, err := s.raw.Read(p)
	s.crc.Write(p[:n])
	return n, err
}

func (s *summed) ReadByte() (byte, error) {
	b, err := s.raw.ReadByte()
	if err == nil {
		s.one[0] = b
		s.crc.Write(s.one[:])
	}
	return b, err
}

func newDecoder(r io.Reader) *decoder {
	raw := bufio.NewReaderSize(r, 1<<20)
	return &decoder{raw: raw, r: &summed{raw: raw, crc: crc32.NewIEEE()}}
}

func (d *decoder) fail(why string) error {
	if d.err != nil {
		return fmt.Errorf("%w: %v", ErrSnapshot, d.err)
	}
	return fmt.Errorf("%w: %s", ErrSnapshot, why)
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, err := binary.ReadUvarint(d.r)
	d.err = err
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, err := binary.ReadVarint(d.r)
	d.err = err
	return v
}

func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	// A length up to 64 MiB is allocated at once (a bitmap of a common term or value is
	// megabytes; growing it piece by piece cleared and copied it many times); a longer one,
	// which only a damaged file should claim, only as it is read.
	if n <= 64<<20 {
		b := make([]byte, n)
		_, d.err = io.ReadFull(d.r, b)
		return b
	}
	b, err := io.ReadAll(io.LimitReader(d.r, int64(min(n, 1<<40))))
	if err == nil && uint64(len(b)) != n {
		err = io.ErrUnexpectedEOF
	}
	d.err = err
	return b
}

func (d *decoder) str() string { return string(d.bytes()) }

func (d *decoder) bitmap() *roaring.Bitmap {
	b := d.bytes()
	bm := roaring.New()
	if d.err == nil {
		d.err = bm.UnmarshalBinary(b)
	}
	return bm
}

func (d *decoder) finish() error {
	if d.err != nil {
		return d.fail("")
	}
	var sum [4]byte
	if _, err := io.ReadFull(d.raw, sum[:]); err != nil {
		return fmt.Errorf("%w: no checksum: %v", ErrSnapshot, err)
	}
	if binary.BigEndian.Uint32(sum[:]) != d.r.crc.Sum32() {
		return fmt.Errorf("%w: checksum mismatch", ErrSnapshot)
	}
	if _, err := d.raw.ReadByte(); err != io.EOF {
		return fmt.Errorf("%w: data after the checksum", ErrSnapshot)
	}
	return nil
}
