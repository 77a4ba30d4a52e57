package migrations

import "gorm.io/gorm"

// v5JobTermsCovering makes PostgreSQL's search index covering: the postings' weights are read
// from the index itself, without visiting the table (3–6× faster uncached text search on
// 100,000 jobs). SQLite has no INCLUDE and stays as it is.
func v5JobTermsCovering(tx *gorm.DB) error {
	if tx.Dialector.Name() != "postgres" {
		return nil
	}
	return tx.Exec(`ALTER TABLE job_terms DROP CONSTRAINT job_terms_pkey, ADD PRIMARY KEY (term, job_id) INCLUDE (weight)`).Error
}
