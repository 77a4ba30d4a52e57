// Verification over HTTP: anyone may check a file, a hash or a token against the agreements' trails.

package signing

import (
	"bytes"
	"encoding/hex"
	"strings"

	"github.com/gofiber/fiber/v2"

	"zonefair/app/errs"
	"zonefair/app/web"
)

func (h *Handlers) verifyFile(c *fiber.Ctx) error {
	body, err := readUpload(c)
	if err != nil {
		return err
	}
	if len(body) == 0 {
		return errs.Invalid("file", "upload.empty")
	}
	if !bytes.HasPrefix(bytes.TrimLeft(body[:min(len(body), 1024)], "\x00\t\r\n "), []byte("%PDF-")) {
		return unsupported("signing.not_pdf")
	}
	v, err := h.Service.VerifyFile(c.UserContext(), body)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(v)
}

// HashQuery is a SHA-256 to look up.
type HashQuery struct {
	SHA256 string `query:"sha256" validate:"required,len=64,hexadecimal"`
}

func (h *Handlers) verifyHash(c *fiber.Ctx) error {
	var q HashQuery
	if err := web.BindQuery(c, &q); err != nil {
		return err
	}
	if _, err := hex.DecodeString(q.SHA256); err != nil {
		return errs.Invalid("sha256", "field.invalid")
	}
	v, err := h.Service.VerifyHash(c.UserContext(), strings.ToLower(q.SHA256))
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (h *Handlers) verifyToken(c *fiber.Ctx) error {
	token := strings.Clone(c.Params("token"))
	if len(token) != 32 || !tokenRef.MatchString("/verify/"+token) {
		return c.JSON(Verdict{Verdict: VerdictUnknown})
	}
	v, err := h.Service.VerifyToken(c.UserContext(), token)
	if err != nil {
		return err
	}
	return c.JSON(v)
}
