package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"zonefair/app/errs"
)

type asset struct {
	body, gz    []byte
	contentType string
	etag        string
	immutable   bool
}

// notBuilt is the root page of a binary built before the frontend.
const notBuilt = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Zonefair</title>
<body style="font-family:sans-serif;max-width:40em;margin:4em auto;line-height:1.5">
<h1>Zonefair is running</h1>
<p>The web interface was not built into this binary. Build it, then rebuild the server:</p>
<pre>cd frontend &amp;&amp; npm ci &amp;&amp; npm run build &amp;&amp; cd .. &amp;&amp; go build -o bin/zonefair ./cmd/zonefair</pre>
<p>or simply run <code>make run</code>. The API is up: <a href="/api/openapi.json">/api/openapi.json</a>, <a href="/healthz">/healthz</a>.</p>
<p lang="zh-CN">Zonefair 已启动，但前端尚未构建。请运行 <code>make run</code>。</p></body></html>`

// MountFrontend serves the built single-page app from dist: hashed files under /assets/ with
// immutable caching, other files as they are, and index.html for every other GET that is not
// an API path, so client-side routes survive a reload. Everything is loaded and gzipped once.
func MountFrontend(app *fiber.App, dist fs.FS) error {
	assets := map[string]*asset{}
	err := fs.WalkDir(dist, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return err
		}
		body, err := fs.ReadFile(dist, p)
		if err != nil {
			return err
		}
		assets["/"+p] = newAsset(p, body)
		return nil
	})
	if err != nil {
		return err
	}
	index, built := assets["/index.html"]
	app.Get("/*", func(c *fiber.Ctx) error {
		p := c.Path()
		if strings.HasPrefix(p, "/api/") || p == "/api" {
			return errs.New(errs.ErrNotFound, "not_found")
		}
		if !built {
			c.Set(fiber.HeaderCacheControl, "no-store")
			return c.Type("html").SendString(notBuilt)
		}
		if a, ok := assets[p]; ok && p != "/index.html" {
			return a.send(c)
		}
		if strings.HasPrefix(p, "/assets/") || path.Ext(p) != "" && !strings.HasSuffix(p, ".html") {
			return errs.New(errs.ErrNotFound, "not_found")
		}
		return index.send(c)
	})
	return nil
}

func newAsset(p string, body []byte) *asset {
	sum := sha256.Sum256(body)
	a := &asset{
		body:        body,
		contentType: mime.TypeByExtension(path.Ext(p)),
		etag:        `"` + hex.EncodeToString(sum[:8]) + `"`,
		immutable:   strings.HasPrefix(p, "assets/"),
	}
	if a.contentType == "" {
		a.contentType = "application/octet-stream"
	}
	if compressible(a.contentType) && len(body) > 512 {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(body)
		_ = zw.Close()
		if buf.Len() < len(body)*9/10 {
			a.gz = buf.Bytes()
		}
	}
	return a
}

func compressible(ct string) bool {
	for _, t := range []string{"text/", "javascript", "json", "svg", "wasm"} {
		if strings.Contains(ct, t) {
			return true
		}
	}
	return false
}

func (a *asset) send(c *fiber.Ctx) error {
	if a.immutable {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "no-cache")
	}
	c.Set(fiber.HeaderETag, a.etag)
	c.Set(fiber.HeaderContentType, a.contentType)
	c.Vary(fiber.HeaderAcceptEncoding)
	if c.Get(fiber.HeaderIfNoneMatch) == a.etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	if a.gz != nil && strings.Contains(c.Get(fiber.HeaderAcceptEncoding), "gzip") {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(a.gz)
	}
	return c.Send(a.body)
}
