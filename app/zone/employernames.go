package zone

import (
	"cmp"
	"context"
	"strconv"
	"strings"
)

// Name is a zone's or an enterprise's name in Chinese and in English.
type Name struct{ Zh, En string }

// EmployerNames returns, in one query, the names of the zones among zoneIDs and of the
// enterprises among entIDs that exist, by id: the employers other packages show beside their
// postings (the job listings read them on every page, so it is one round trip).
func (s *Store) EmployerNames(ctx context.Context, zoneIDs, entIDs []int64) (zones, enterprises map[int64]Name, err error) {
	zones, enterprises = make(map[int64]Name, len(zoneIDs)), make(map[int64]Name, len(entIDs))
	var (
		parts []string
		args  []any
	)
	idIn, idList := "id IN ?", func(ids []int64) any { return ids }
	if s.db.Dialector.Name() == "postgres" {
		// One array parameter instead of one per id: the statement's text is the same for any
		// number of ids, so each connection prepares it once, not once per list length.
		idIn, idList = "id = ANY(CAST(? AS BIGINT[]))", intArray
	}
	if len(zoneIDs) > 0 {
		parts, args = append(parts, "SELECT 0 AS kind, id, name_zh, name_en FROM zones WHERE "+idIn), append(args, idList(zoneIDs))
	}
	if len(entIDs) > 0 {
		parts, args = append(parts, "SELECT 1 AS kind, id, name_zh, name_en FROM enterprises WHERE "+idIn), append(args, idList(entIDs))
	}
	if len(parts) == 0 {
		return zones, enterprises, nil
	}
	// Scanned by hand: gorm's reflective scan of these few rows costs more than the query.
	rows, err := s.db.WithContext(ctx).Raw(strings.Join(parts, " UNION ALL "), args...).Rows()
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			kind int
			id   int64
			n    Name
		)
		if err := rows.Scan(&kind, &id, &n.Zh, &n.En); err != nil {
			return nil, nil, err
		}
		if kind == 0 {
			zones[id] = n
		} else {
			enterprises[id] = n
		}
	}
	// Closed before returning: inside a transaction the connection is shared.
	return zones, enterprises, cmp.Or(rows.Err(), rows.Close())
}

// intArray writes ids as a PostgreSQL array literal, e.g. {1,2,3}.
func intArray(ids []int64) any {
	b := make([]byte, 0, 2+8*len(ids))
	b = append(b, '{')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, '}'))
}
