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
// A text that counts something gives its singular and plural forms as "singular | plural": the
// singular is used when the parameter is 1 (see Message).
var messages = map[string][2]string{
	"invalid_input":               {"提交的内容有误，请检查标出的字段。", "Some fields are not valid; please check them."},
	"malformed_json":              {"请求内容不是有效的 JSON。", "The request body is not valid JSON."},
	"unknown_field":               {"包含未知字段。", "This field is not known."},
	"wrong_type":                  {"类型不正确，应为 %s。", "Wrong type: expected %s."},
	"want_json":                   {"请以 application/json 发送请求。", "Send the request as application/json."},
	"unauthorized":                {"请先登录。", "Please log in first."},
	"forbidden":                   {"您无权执行此操作。", "You are not allowed to do this."},
	"csrf":                        {"页面已过期，请刷新后重试。", "This page has expired; reload it and try again."},
	"not_found":                   {"未找到。", "Not found."},
	"not_found.zone":              {"未找到该开发区。", "Zone not found."},
	"not_found.enterprise":        {"未找到该企业。", "Enterprise not found."},
	"not_found.invitation":        {"邀请不存在或已失效。", "This invitation does not exist or has expired."},
	"not_found.logo":              {"该开发区尚无标志。", "This zone has no logo."},
	"conflict":                    {"与现有数据冲突。", "This conflicts with existing data."},
	"too_large":                   {"内容过大。", "The request is too large."},
	"unsupported_media":           {"不支持的文件类型。", "This file type is not supported."},
	"rate_limited":                {"尝试次数过多，请稍后再试。", "Too many attempts; please try again later."},
	"internal":                    {"服务器内部错误，请稍后再试。", "Something went wrong on our side; please try again."},
	"unavailable":                 {"服务暂不可用。", "The service is temporarily unavailable."},
	"auth.bad_credentials":        {"邮箱或密码不正确。", "Wrong email or password."},
	"auth.email_taken":            {"该邮箱已注册。", "This email is already registered."},
	"auth.wrong_password":         {"当前密码不正确。", "The current password is wrong."},
	"invitation.used":             {"该邀请已被使用。", "This invitation has already been used."},
	"upload.missing":              {"请选择要上传的文件。", "Choose a file to upload."},
	"upload.empty":                {"文件为空。", "The file is empty."},
	"upload.image":                {"请上传 PNG、JPEG 或 WebP 图片。", "Upload a PNG, JPEG or WebP image."},
	"upload.image_size":           {"图片尺寸须在 16×16 到 2048×2048 像素之间。", "The image must be between 16×16 and 2048×2048 pixels."},
	"upload.too_large":            {"文件过大（上限 %s）。", "The file is too large (limit %s)."},
	"field.required":              {"必填。", "Required."},
	"field.utf8":                  {"含有无效的 UTF-8 字节。", "Contains bytes that are not valid UTF-8."},
	"field.email":                 {"请输入有效的邮箱地址。", "Enter a valid email address."},
	"field.min":                   {"至少 %s 个字符。", "At least one character. | At least %s characters."},
	"field.max":                   {"最多 %s 个字符。", "At most one character. | At most %s characters."},
	"field.min_items":             {"至少 %s 项。", "At least one item. | At least %s items."},
	"field.max_items":             {"最多 %s 项。", "At most one item. | At most %s items."},
	"field.gte":                   {"不能小于 %s。", "Must be at least %s."},
	"field.lte":                   {"不能大于 %s。", "Must be at most %s."},
	"field.oneof":                 {"取值须为：%s。", "Must be one of: %s."},
	"field.url":                   {"请输入有效的网址（http 或 https）。", "Enter a valid http(s) URL."},
	"field.invalid":               {"取值无效。", "Invalid value."},
	"field.province":              {"未知的省份。", "Unknown province."},
	"field.industry":              {"未知的行业。", "Unknown industry."},
	"field.slug":                  {"只能包含小写字母、数字和连字符。", "Use lowercase letters, digits and hyphens only."},
	"field.enterprise_zone":       {"该企业不属于此开发区。", "This enterprise is not in this zone."},
	"field.password_weak":         {"密码太常见或过于简单。", "This password is too common or too simple."},
	"field.role_invite":           {"此角色只能通过邀请加入。", "This role joins by invitation only."},
	"field.enterprise_need":       {"企业人员须指定企业。", "Enterprise staff need an enterprise."},
	"field.slug_taken":            {"该标识已被使用。", "This identifier is already taken."},
	"field.text_control":          {"包含不允许的控制字符。", "Contains control characters that are not allowed."},
	"field.year":                  {"年份不合理。", "Not a plausible year."},
	"field.page":                  {"页码无效。", "Invalid page."},
	"field.email_mismatch":        {"邮箱与邀请不符。", "The email does not match the invitation."},
	"field.ownership":             {"须为 domestic、foreign 或 joint。", "Must be domestic, foreign or joint."},
	"field.locale":                {"须为 zh-CN 或 en。", "Must be zh-CN or en."},
	"field.number":                {"须为数字。", "Must be a number."},
	"field.same_password":         {"新密码不能与当前密码相同。", "The new password must differ from the current one."},
	"not_found.fair":              {"未找到该招聘会。", "Job fair not found."},
	"not_found.booth":             {"该开发区未参加此招聘会。", "This zone has no booth at this fair."},
	"not_found.job":               {"未找到该职位。", "Job not found."},
	"not_found.profile":           {"请先填写求职档案。", "Fill in your graduate profile first."},
	"not_found.resume":            {"尚未上传简历。", "No resume has been uploaded."},
	"not_found.application":       {"未找到该申请。", "Application not found."},
	"not_found.conversation":      {"未找到该会话。", "Conversation not found."},
	"application.job_closed":      {"该职位已停止招聘。", "This job is closed."},
	"application.deadline_passed": {"该职位已过截止日期。", "The deadline for this job has passed."},
	"application.fair_closed":     {"招聘会未开放，暂不能投递。", "The job fair is not open, so applications are not taken now."},
	"application.no_profile":      {"请先填写求职档案再投递。", "Fill in your graduate profile before applying."},
	"application.final":           {"已录用或未通过的申请不能撤回。", "An application with an offer or a rejection cannot be withdrawn."},
	"application.transition":      {"申请当前状态不能改为所选状态。", "The application cannot move to that status from where it is."},
	"application.changed":         {"申请状态刚刚被他人修改，请刷新后重试。", "Someone else just changed this application; reload and try again."},
	"fair.zone_has_jobs":          {"该开发区在本招聘会已有职位，不能移除。", "A zone with jobs at this fair cannot be taken out of it."},
	"job.unpublish":               {"已发布的职位不能改回草稿，可以关闭。", "A published job cannot go back to draft; close it instead."},
	"upload.pdf":                  {"请上传有效的 PDF 文件。", "Upload a valid PDF file."},
	"upload.pdf_encrypted":        {"不支持加密的 PDF，请上传未加密的文件。", "Encrypted PDFs are not accepted; upload an unencrypted file."},
	"field.fair_dates":            {"结束时间须晚于开始时间。", "The end must be after the start."},
	"field.zone_unknown":          {"未知的开发区。", "Unknown zone."},
	"field.category":              {"未知的职位类别。", "Unknown job category."},
	"field.major":                 {"未知的专业。", "Unknown major."},
	"field.salary_range":          {"最高薪资不能低于最低薪资。", "The maximum salary cannot be below the minimum."},
	"field.fair_zone":             {"该开发区未参加此招聘会。", "This zone does not take part in this fair."},
	"field.job_move":              {"职位不能移到其他开发区或招聘会。", "A job cannot move to another zone or fair."},
	"signing.link_project":        {"该项目不存在或不属于本开发区。", "This project does not exist or is not this zone's."},
	"signing.link_briefing":       {"该推介会不存在或不由本开发区主办。", "This briefing does not exist or is not hosted by this zone."},
	"field.invitation_scope":      {"只能邀请本开发区的人员。", "You can invite people to your own zone only."},

	// Online signing.
	"signing.already_signed":      {"您已签署过此协议。", "You have already signed this agreement."},
	"signing.bad_pdf":             {"无法读取该 PDF 文件。", "This PDF cannot be read."},
	"signing.closed":              {"该协议已结束，不能再签署。", "This agreement is closed and can no longer be signed."},
	"signing.code_expired":        {"验证码已过期，请重新获取。", "The code has expired; request a new one."},
	"signing.code_locked":         {"验证码错误次数过多，已失效，请重新获取。", "Too many wrong tries; this code is locked. Request a new one."},
	"signing.code_needed":         {"请先获取验证码（每个验证码只能使用一次）。", "Request a code first (each code works once)."},
	"signing.code_wait":           {"验证码已发送，请稍后再重新获取。", "A code was just sent; wait a moment before requesting another."},
	"signing.code_wrong":          {"验证码不正确，还可尝试 %s 次。", "Wrong code; one try left. | Wrong code; %s tries left."},
	"signing.duplicate_recipient": {"同一人不能重复添加。", "This person is already a recipient."},
	"signing.encrypted_pdf":       {"不支持加密或有密码保护的 PDF。", "Encrypted or password-protected PDFs are not accepted."},
	"signing.expired":             {"该协议已过期，不能再签署。", "This agreement has expired and can no longer be signed."},
	"signing.expiry_past":         {"截止时间须在将来。", "The expiry must be in the future."},
	"signing.field_outside":       {"字段超出了页面范围。", "The field lies outside the page."},
	"signing.field_recipient":     {"字段须分配给签署人或见证人。", "A field must belong to a signer or witness."},
	"signing.missing_agreement":   {"未找到该协议。", "Agreement not found."},
	"signing.missing_document":    {"该协议尚无此文件。", "This agreement has no such document yet."},
	"signing.missing_template":    {"未找到该模板。", "Template not found."},
	"signing.missing_user":        {"未找到该用户。", "User not found."},
	"signing.missing_webhook":     {"未找到该 Webhook。", "Webhook not found."},
	"signing.no_document":         {"请先上传或生成协议文件。", "Upload or generate the agreement document first."},
	"signing.no_sender":           {"消息服务未配置，无法发送验证码。", "No message service is configured to send the code."},
	"signing.no_signature_field":  {"每位签署人都需要至少一个签名字段。", "Every signer needs at least one signature field."},
	"signing.no_signers":          {"请至少添加一位签署人。", "Add at least one signer."},
	"signing.no_template":         {"该模板不存在或已归档。", "This template does not exist or is archived."},
	"signing.not_completed":       {"协议尚未签署完成。", "The agreement is not completed yet."},
	"signing.not_party":           {"您不是该协议的当事方。", "You are not a party to this agreement."},
	"signing.not_pdf":             {"请上传 PDF 文件。", "Upload a PDF file."},
	"signing.not_sent":            {"协议尚未发出。", "The agreement has not been sent yet."},
	"signing.not_signer":          {"您不是该协议的签署人。", "You are not a signer of this agreement."},
	"signing.not_voidable":        {"只有已发出、未完成的协议可以作废。", "Only a sent, unfinished agreement can be voided."},
	"signing.not_your_field":      {"该字段不属于您。", "This field is not yours."},
	"signing.not_your_turn":       {"尚未轮到您签署。", "It is not your turn to sign yet."},
	"signing.page_count":          {"PDF 页数须在 1 到 200 之间。", "The PDF must have 1 to 200 pages."},
	"signing.send_failed":         {"验证码发送失败，请稍后再试。", "The code could not be sent; please try again."},
	"signing.resend_completed":    {"已签署完成的协议不能重新发送。", "A completed agreement (every signer has signed) cannot be re-sent."},
	"signing.resend_done":         {"该协议已重新发送为新草稿，请打开那份草稿。", "This agreement has already been re-sent as a new draft; open that draft instead."},
	"signing.resend_draft":        {"该协议仍是草稿，可直接修改后发送。", "This agreement is still a draft: edit it and send it."},
	"signing.resend_open":         {"该协议仍在签署中，请先作废，再重新发送为新草稿。", "This agreement is still out for signature: void it first, then re-send it as a new draft."},
	"signing.sent_immutable":      {"协议发出后不能修改，只能作废后重新发送。", "A sent agreement cannot be changed; void it and send a new one."},
	"signing.signature_blank":     {"签名为空。", "The signature is empty."},
	"signing.signature_large":     {"签名图片过大。", "The signature image is too large."},
	"signing.signature_png":       {"签名须为 PNG 图片。", "The signature must be a PNG image."},
	"signing.typed_name":          {"请输入您的姓名（至少 2 个字符）。", "Type your name (at least 2 characters)."},
	"signing.unknown_user":        {"未找到该用户。", "No such user."},
	"signing.unknown_zone":        {"未找到该开发区。", "No such zone."},

	// Investment briefings.
	"briefing.already_registered":   {"您已报名此推介会。", "You are already registered for this briefing."},
	"briefing.already_voted":        {"您已投过票，每人只能投一次。", "You have already voted; each attendee votes once."},
	"briefing.ended":                {"推介会已结束，内容只读。", "This briefing has ended and is read-only."},
	"briefing.full":                 {"报名人数已满。", "This briefing is full."},
	"briefing.missing_briefing":     {"未找到该推介会。", "Briefing not found."},
	"briefing.missing_message":      {"未找到该消息。", "Message not found."},
	"briefing.missing_poll":         {"未找到该投票。", "Poll not found."},
	"briefing.missing_question":     {"未找到该问题。", "Question not found."},
	"briefing.missing_registration": {"您尚未报名此推介会。", "You are not registered for this briefing."},
	"briefing.missing_slides":       {"尚未上传演示文稿。", "No slides have been uploaded."},
	"briefing.missing_user":         {"未找到该用户。", "User not found."},
	"briefing.muted":                {"主持人已将您禁言。", "A host has muted you in this room."},
	"briefing.no_slides":            {"请先上传演示文稿。", "Upload the slides first."},
	"briefing.not_ended":            {"推介会结束后才能观看回放。", "The replay opens when the briefing has ended."},
	"briefing.not_host":             {"只有主持人可以执行此操作。", "Only the briefing's hosts can do this."},
	"briefing.not_invited":          {"此推介会仅限受邀者参加。", "This briefing is by invitation only."},
	"briefing.own_zone":             {"主办开发区须包括您所在的开发区。", "The hosting zones must include your own zone."},
	"briefing.poll_closed":          {"该投票已结束。", "This poll is closed."},
	"briefing.poll_open":            {"已有进行中的投票，请先结束它。", "Another poll is open; close it first."},
	"briefing.poll_state":           {"该投票当前状态不能执行此操作。", "The poll cannot do that from its current state."},
	"briefing.project_unknown":      {"项目不存在或不属于主办开发区。", "A project does not exist or is not from a hosting zone."},
	"briefing.question_id":          {"报名问题的标识不能重复。", "Registration question ids must be unique."},
	"briefing.register_first":       {"请先报名此推介会。", "Register for this briefing first."},
	"briefing.removed":              {"您已被主持人移出会场。", "A host has removed you from this room."},
	"briefing.self":                 {"不能对自己执行此操作。", "You cannot do this to yourself."},
	"briefing.slow_down":            {"发言过于频繁，请稍后再试。", "You are posting too fast; wait a moment."},
	"briefing.slides_pages":         {"演示文稿最多 500 页。", "Slides may have at most 500 pages."},
	"briefing.times":                {"结束时间须晚于开始时间，且时长不超过 7 天。", "The end must be after the start, within 7 days."},
	"project.already_interested":    {"您已对该项目表达过意向。", "You have already expressed interest in this project."},
	"project.lead_changed":          {"该线索刚被他人修改，请刷新后重试。", "Someone else just changed this lead; reload and try again."},
	"project.lead_transition":       {"线索当前状态不能改为所选状态。", "The lead cannot move to that status from where it is."},
	"project.meeting_decided":       {"该会面请求已处理。", "This meeting request has already been decided."},
	"project.meeting_not_accepted":  {"会面尚未确认。", "The meeting has not been accepted yet."},
	"project.missing_briefing":      {"未找到该推介会。", "Briefing not found."},
	"project.missing_lead":          {"未找到该线索。", "Lead not found."},
	"project.missing_meeting":       {"未找到该会面请求。", "Meeting request not found."},
	"project.missing_project":       {"未找到该项目。", "Project not found."},
	"project.signed":                {"该项目已签约。", "This project has already been signed."},
	"project.time_not_proposed":     {"请选择投资者提议的时间之一。", "Choose one of the times the investor proposed."},
	"project.time_past":             {"提议的时间须在将来。", "Proposed times must be in the future."},
}

// AddMessages registers a capability package's own messages (call it from the package's init).
// A key registered twice is a programming error and panics at start-up.
func AddMessages(m map[string][2]string) {
	for k, v := range m {
		if _, dup := messages[k]; dup {
			panic("web: message " + k + " registered twice")
		}
		messages[k] = v
	}
}

// Message renders key in locale, substituting param for %s. A text with plural forms
// ("singular | plural") takes the singular when param is 1 and the plural otherwise.
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
	if singular, plural, ok := strings.Cut(s, " | "); ok {
		s = plural
		if strings.TrimSpace(param) == "1" {
			s = singular
		}
	}
	if strings.Contains(s, "%s") {
		s = strings.Replace(s, "%s", param, 1)
	}
	return s
}
