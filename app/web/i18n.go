package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Locale is "zh-CN" or "en".
type Locale string

// The supported locales.
const (
	LocaleZh Locale = "zh-CN"
	LocaleEn Locale = "en"
)

// RequestLocale picks the locale from Accept-Language: Chinese when the first language that
// names zh or en is Chinese, English otherwise.
func RequestLocale(c *fiber.Ctx) Locale {
	for _, part := range strings.Split(c.Get(fiber.HeaderAcceptLanguage), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "zh"):
			return LocaleZh
		case strings.HasPrefix(tag, "en"):
			return LocaleEn
		}
	}
	return LocaleEn
}

// messages maps a key to its Chinese and English text. A "%s" is replaced by the parameter.
var messages = map[string][2]string{
	"invalid_input":          {"提交的内容有误，请检查标出的字段。", "Some fields are not valid; please check them."},
	"malformed_json":         {"请求内容不是有效的 JSON。", "The request body is not valid JSON."},
	"unknown_field":          {"包含未知字段。", "This field is not known."},
	"wrong_type":             {"类型不正确，应为 %s。", "Wrong type: expected %s."},
	"want_json":              {"请以 application/json 发送请求。", "Send the request as application/json."},
	"unauthorized":           {"请先登录。", "Please log in first."},
	"forbidden":              {"您无权执行此操作。", "You are not allowed to do this."},
	"csrf":                   {"页面已过期，请刷新后重试。", "This page has expired; reload it and try again."},
	"not_found":              {"未找到。", "Not found."},
	"not_found.zone":         {"未找到该开发区。", "Zone not found."},
	"not_found.enterprise":   {"未找到该企业。", "Enterprise not found."},
	"not_found.invitation":   {"邀请不存在或已失效。", "This invitation does not exist or has expired."},
	"not_found.logo":         {"该开发区尚无标志。", "This zone has no logo."},
	"conflict":               {"与现有数据冲突。", "This conflicts with existing data."},
	"too_large":              {"内容过大。", "The request is too large."},
	"unsupported_media":      {"不支持的文件类型。", "This file type is not supported."},
	"rate_limited":           {"尝试次数过多，请稍后再试。", "Too many attempts; please try again later."},
	"internal":               {"服务器内部错误，请稍后再试。", "Something went wrong on our side; please try again."},
	"unavailable":            {"服务暂不可用。", "The service is temporarily unavailable."},
	"auth.bad_credentials":   {"邮箱或密码不正确。", "Wrong email or password."},
	"auth.email_taken":       {"该邮箱已注册。", "This email is already registered."},
	"auth.wrong_password":    {"当前密码不正确。", "The current password is wrong."},
	"invitation.used":        {"该邀请已被使用。", "This invitation has already been used."},
	"upload.missing":         {"请选择要上传的文件。", "Choose a file to upload."},
	"upload.empty":           {"文件为空。", "The file is empty."},
	"upload.image":           {"请上传 PNG、JPEG 或 WebP 图片。", "Upload a PNG, JPEG or WebP image."},
	"upload.too_large":       {"文件过大（上限 %s）。", "The file is too large (limit %s)."},
	"field.required":         {"必填。", "Required."},
	"field.email":            {"请输入有效的邮箱地址。", "Enter a valid email address."},
	"field.min":              {"至少 %s 个字符。", "At least %s characters."},
	"field.max":              {"最多 %s 个字符。", "At most %s characters."},
	"field.gte":              {"不能小于 %s。", "Must be at least %s."},
	"field.lte":              {"不能大于 %s。", "Must be at most %s."},
	"field.oneof":            {"取值须为：%s。", "Must be one of: %s."},
	"field.url":              {"请输入有效的网址（http 或 https）。", "Enter a valid http(s) URL."},
	"field.invalid":          {"取值无效。", "Invalid value."},
	"field.province":         {"未知的省份。", "Unknown province."},
	"field.industry":         {"未知的行业。", "Unknown industry."},
	"field.slug":             {"只能包含小写字母、数字和连字符。", "Use lowercase letters, digits and hyphens only."},
	"field.enterprise_zone":  {"该企业不属于此开发区。", "This enterprise is not in this zone."},
	"field.password_weak":    {"密码太常见或过于简单。", "This password is too common or too simple."},
	"field.role_invite":      {"此角色只能通过邀请加入。", "This role joins by invitation only."},
	"field.enterprise_need":  {"企业人员须指定企业。", "Enterprise staff need an enterprise."},
	"field.slug_taken":       {"该标识已被使用。", "This identifier is already taken."},
	"field.text_control":     {"包含不允许的控制字符。", "Contains control characters that are not allowed."},
	"field.year":             {"年份不合理。", "Not a plausible year."},
	"field.page":             {"页码无效。", "Invalid page."},
	"field.email_mismatch":   {"邮箱与邀请不符。", "The email does not match the invitation."},
	"field.ownership":        {"须为 domestic、foreign 或 joint。", "Must be domestic, foreign or joint."},
	"field.locale":           {"须为 zh-CN 或 en。", "Must be zh-CN or en."},
	"field.number":           {"须为数字。", "Must be a number."},
	"field.same_password":    {"新密码不能与当前密码相同。", "The new password must differ from the current one."},
	"field.invitation_scope": {"只能邀请本开发区的人员。", "You can invite people to your own zone only."},
}

// Message renders key in locale, substituting param for %s.
func Message(l Locale, key, param string) string {
	m, ok := messages[key]
	if !ok {
		if i := strings.IndexByte(key, '.'); i > 0 {
			m, ok = messages[key[:i]]
		}
		if !ok {
			m = messages["field.invalid"]
		}
	}
	s := m[1]
	if l == LocaleZh {
		s = m[0]
	}
	if strings.Contains(s, "%s") {
		s = strings.Replace(s, "%s", param, 1)
	}
	return s
}
