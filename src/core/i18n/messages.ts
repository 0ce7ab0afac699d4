import { composeCatalogue, fill } from "./compose";
import type { Lang } from "./lang";

/**
 * The message catalogue: every key in both languages, checked by the type. The strings of the
 * compose-time add-in (send decisions, info bars) live in compose.ts, so that the event bundle
 * carries only those; this catalogue includes them.
 */
const catalogue = {
  ...composeCatalogue,
  "inspect.header.file": { ja: "ファイル", en: "File" },
  "inspect.header.format": { ja: "形式", en: "Format" },
  "inspect.header.password": { ja: "パスワード", en: "Password" },
  "inspect.header.method": { ja: "方式", en: "Method" },
  "inspect.header.detail": { ja: "詳細", en: "Detail" },
  "inspect.protected": { ja: "あり（パスワード保護）", en: "yes (password-protected)" },
  "inspect.plain": { ja: "なし", en: "no" },
  "inspect.restricted": { ja: "なし（編集・印刷の制限のみ）", en: "no (restrictions only)" },
  "inspect.unreadable": { ja: "判定不能（読み取れません）", en: "unknown (could not be read)" },
  "inspect.summary": {
    ja: "{total} 件中 {protected} 件がパスワード付きです。",
    en: "{protected} of {total} files are password-protected.",
  },
  "inspect.advice": {
    ja: "パスワード付きファイルは受信側のウイルス検査をすり抜けます。宛先が暗号化通信（STARTTLS）に対応していればそのまま添付し、そうでなければダウンロードリンクで送ってください。",
    en: "Password-protected files slip past the recipient's virus scan. Attach the file plainly when the recipient's servers accept encrypted mail (STARTTLS); otherwise send a download link.",
  },
  "method.zipcrypto": { ja: "ZIP 従来型暗号（ZipCrypto）", en: "ZIP legacy encryption (ZipCrypto)" },
  "method.zip-strong": { ja: "ZIP 強力暗号（PKWARE）", en: "ZIP strong encryption (PKWARE)" },
  "method.aes": { ja: "ZIP AES 暗号", en: "ZIP AES encryption" },
  "method.7z-aes": { ja: "7z AES-256 暗号", en: "7z AES-256 encryption" },
  "method.rar": { ja: "RAR 暗号", en: "RAR encryption" },
  "method.pdf": { ja: "PDF 開くためのパスワード", en: "PDF open password" },
  "method.pdf-attachments-encrypted": {
    ja: "PDF の添付ファイルのみパスワード付き",
    en: "PDF whose attachments need a password",
  },
  "method.restricted": { ja: "PDF 権限パスワードのみ", en: "PDF permissions password only" },
  "method.office": { ja: "Office 文書の暗号化", en: "Office document encryption" },
  "method.odf": { ja: "OpenDocument の暗号化", en: "OpenDocument encryption" },
  "method.nested": { ja: "中にパスワード付きファイル", en: "contains a password-protected file" },
  "method.other": { ja: "暗号化", en: "encryption" },
  "grade.secure": { ja: "安全", en: "SECURE" },
  "grade.tls": { ja: "暗号化", en: "TLS" },
  "grade.partial": { ja: "一部暗号化", en: "PARTIAL" },
  "grade.no-tls": { ja: "暗号化なし", en: "NO TLS" },
  "grade.no-mail": { ja: "メール受信不可", en: "NO MAIL" },
  "grade.unknown": { ja: "不明", en: "UNKNOWN" },
  "grade.secure.meaning": {
    ja: "すべてのメールサーバーが暗号化に対応し、MTA-STS または DANE で証明書の検証が求められています。",
    en: "Every mail server accepts encryption, and MTA-STS or DANE tells senders to insist on a verified certificate.",
  },
  "grade.tls.meaning": {
    ja: "すべてのメールサーバーが暗号化（STARTTLS）に対応しています。ファイルはパスワードなしで添付できます。",
    en: "Every mail server accepts encrypted mail (STARTTLS): files can be attached without a password.",
  },
  "grade.partial.meaning": {
    ja: "暗号化に対応していないメールサーバーがあり、平文で届く可能性があります。ダウンロードリンクを使ってください。",
    en: "Some mail servers do not accept encryption, so mail may arrive in clear: use a download link.",
  },
  "grade.no-tls.meaning": {
    ja: "メールサーバーが暗号化に対応していません。ダウンロードリンクを使ってください。",
    en: "The mail servers do not accept encryption: use a download link.",
  },
  "grade.no-mail.meaning": {
    ja: "このドメインはメールを受け取れません（宛先を確認してください）。",
    en: "This domain cannot receive mail (check the address).",
  },
  "grade.unknown.meaning": {
    ja: "時間内に確認できませんでした。暗号化されていないとは限りません。",
    en: "Could not be checked in time; this does not mean the mail would travel unencrypted.",
  },
  "check.starttls.yes": { ja: "STARTTLS あり", en: "STARTTLS offered" },
  "check.starttls.no": { ja: "STARTTLS なし", en: "no STARTTLS" },
  "check.starttls.unknown": { ja: "接続できず", en: "not reached" },
  "check.cert.trusted": { ja: "証明書 信頼済み", en: "certificate trusted" },
  "check.cert.untrusted": { ja: "証明書 未検証 ({error})", en: "certificate not trusted ({error})" },
  "check.cert.nameOk": { ja: "名前一致", en: "name matches" },
  "check.cert.nameBad": { ja: "名前不一致", en: "name does not match" },
  "check.error": { ja: "エラー: {error}", en: "error: {error}" },
  "check.timings": { ja: "所要 {ms} ms", en: "{ms} ms" },
  "check.reasons": { ja: "理由: {reasons}", en: "reasons: {reasons}" },
  "check.col.domain": { ja: "ドメイン", en: "Domain" },
  "check.col.grade": { ja: "判定", en: "Grade" },
  "check.col.why": { ja: "主な理由", en: "Main reason" },
  "check.progress": { ja: "{done}/{total} 件", en: "{done}/{total} names" },
  "check.skipped": {
    ja: "{line} 行目を飛ばしました: {input}（{why}）",
    en: "skipped line {line}: {input} ({why})",
  },
  "check.skippedMore": { ja: "ほかに {n} 件を飛ばしました", en: "and {n} more skipped" },
  "check.nothing": {
    ja: "確認するドメインがありません（アドレスかドメインを 1 行に 1 つ、または CSV で）",
    en: "nothing to check (give addresses or domains, one per line, or a CSV)",
  },
  "check.badList": { ja: "{file} を読めません: {why}", en: "cannot read {file}: {why}" },
  "check.noMx": { ja: "（MX なし）", en: "(no MX hosts)" },
  "web.title": { ja: "メールサーバー暗号化チェック", en: "Mail server encryption check" },
  "web.intro": {
    ja: "相手のドメインのメールサーバーが暗号化（STARTTLS）されたメールを受け取れるかを調べます。受け取れるなら、パスワード付き ZIP（PPAP）ではなくファイルをそのまま送れます。",
    en: "Checks whether a domain's mail servers accept encrypted mail (STARTTLS). If they do, send the file itself instead of a password-protected ZIP (PPAP).",
  },
  "web.input.label": { ja: "ドメインまたはメールアドレス", en: "Domain or e-mail address" },
  "web.input.placeholder": { ja: "例: example.co.jp", en: "e.g. example.co.jp" },
  "web.check": { ja: "チェック", en: "Check" },
  "web.checking": { ja: "{domain} を確認しています…", en: "Checking {domain}…" },
  "web.language": { ja: "English", en: "日本語" },
  "web.language.label": { ja: "表示言語を切り替える", en: "Switch the display language" },
  "web.mx.title": { ja: "メールサーバー（MX）", en: "Mail servers (MX)" },
  "web.mx.host": { ja: "ホスト", en: "Host" },
  "web.mx.preference": { ja: "優先度", en: "Preference" },
  "web.mx.starttls": { ja: "STARTTLS", en: "STARTTLS" },
  "web.mx.tls": { ja: "TLS", en: "TLS" },
  "web.mx.certificate": { ja: "証明書", en: "Certificate" },
  "web.mx.timings": { ja: "所要時間", en: "Timings" },
  "web.yes": { ja: "あり", en: "yes" },
  "web.no": { ja: "なし", en: "no" },
  "web.notReached": { ja: "接続できず", en: "not reached" },
  "web.cert.trusted": { ja: "信頼済み", en: "trusted" },
  "web.cert.untrusted": { ja: "未検証", en: "not trusted" },
  "web.cert.nameOk": { ja: "名前一致", en: "name matches" },
  "web.cert.nameBad": { ja: "名前不一致", en: "name does not match" },
  "web.reasons": { ja: "判定理由", en: "Why" },
  "web.checkedAt": { ja: "確認日時: {at}", en: "Checked: {at}" },
  "web.pending": {
    ja: "まだ確認中です。しばらくしてから再度お試しください。",
    en: "Still being checked. Try again in a moment.",
  },
  "web.error": { ja: "確認できませんでした: {message}", en: "Could not check: {message}" },
  "web.copyRequest": { ja: "相手先への依頼文をコピー", en: "Copy a request to this partner" },
  "web.copied": { ja: "依頼文をコピーしました。", en: "The request was copied." },
  "web.copyFailed": {
    ja: "コピーできませんでした。下の文を選択してコピーしてください。",
    en: "Could not copy; select the text below and copy it.",
  },
  "web.request.subject": {
    ja: "メールサーバーの暗号化（STARTTLS）対応のお願い",
    en: "Request: please enable encrypted mail delivery (STARTTLS)",
  },
  "web.request.body": {
    ja: "{domain} ご担当者様\n\nいつもお世話になっております。\n弊社では、パスワード付き ZIP ファイルをメールで送る運用（いわゆる PPAP）を廃止し、暗号化された経路でファイルをお送りする方針としております。\n確認しましたところ、貴社のメールサーバー（{domain}）は、一部または全部が暗号化通信（STARTTLS）に対応していないようです。\n\nお手数ですが、貴社のメールサーバーで STARTTLS を有効にしていただけますでしょうか。対応いただけるまでは、ファイルはダウンロードリンクでお送りいたします。\n\n何卒よろしくお願い申し上げます。",
    en: 'Dear {domain} mail administrator,\n\nWe no longer send password-protected ZIP files by mail ("PPAP"); we send files only over encrypted connections.\nWe found that some or all of your mail servers ({domain}) do not accept encrypted delivery (STARTTLS).\n\nCould you enable STARTTLS on your mail servers? Until then we will send files as download links.\n\nThank you for your help.',
  },
  "pane.recipients": { ja: "宛先", en: "Recipients" },
  "pane.noRecipients": { ja: "宛先はまだありません。", en: "No recipients yet." },
  "pane.internal": { ja: "社内", en: "Internal" },
  "pane.pending": { ja: "確認中…", en: "Checking…" },
  "pane.details": { ja: "{domain} の詳細", en: "Details for {domain}" },
  "pane.checkedAt": { ja: "{time} に確認", en: "Checked {time}" },
  "pane.checkAgain": { ja: "再確認", en: "Check again" },
  "pane.openCheckPage": { ja: "チェックページで開く", en: "Open in the check page" },
  "pane.copyRequest": { ja: "暗号化の依頼文をコピー", en: "Copy a request to enable encryption" },
  "pane.copied": { ja: "依頼文をコピーしました。", en: "Request copied." },
  "pane.copyFailed": {
    ja: "コピーできませんでした。次の文を選択してコピーしてください。",
    en: "Could not copy. Select the text below and copy it.",
  },
  "pane.attachments": { ja: "添付ファイル", en: "Attachments" },
  "pane.noAttachments": { ja: "添付ファイルはありません。", en: "No attachments." },
  "pane.finding.protected": { ja: "パスワード付き: {method}", en: "Password-protected: {method}" },
  "pane.finding.plain": { ja: "パスワードなし", en: "No password" },
  "pane.finding.restricted": {
    ja: "パスワードなし（編集・印刷の制限のみ）",
    en: "No password (restrictions only)",
  },
  "pane.finding.cloud": { ja: "クラウドのリンク", en: "Cloud link" },
  "pane.finding.unreadable": { ja: "判定できません（読み取れません）", en: "Unknown (could not be read)" },
  "pane.finding.pending": { ja: "確認中…", en: "Checking…" },
  "pane.remove": { ja: "{name} を外す", en: "Remove {name}" },
  "pane.removed": {
    ja: "{name} を外しました。パスワードを付けていない元のファイルを添付してください。",
    en: "{name} was removed. Attach the original file, without a password.",
  },
  "pane.advice": { ja: "送り方", en: "How to send" },
  "pane.advice.allEncrypted": {
    ja: "このまま送れます。すべての外部宛先が暗号化通信（STARTTLS）に対応しています。",
    en: "Send it plainly: every external recipient accepts encrypted mail (STARTTLS).",
  },
  "pane.advice.unencryptedNoFiles": {
    ja: "{domains} は暗号化通信に対応していません。ファイルを送るときはダウンロードリンクを使ってください。",
    en: "{domains} does not accept encrypted mail: to send a file there, use a download link.",
  },
  "pane.advice.nothing": { ja: "問題は見つかりませんでした。", en: "Nothing to fix." },
  "pane.advice.fromSend": { ja: "送信を止めた理由です。", en: "This is why sending was stopped." },
  "pane.serviceError": {
    ja: "判定サービスに接続できません。しばらくしてから再確認してください。",
    en: "The check service cannot be reached. Try again in a moment.",
  },
  "auth.mtaSts": {
    ja: "MTA-STS: {mode}（id {id}、対象 MX: {mx}）",
    en: "MTA-STS: {mode} (id {id}; MX: {mx})",
  },
  "auth.mtaSts.enforce": { ja: "強制（enforce）", en: "enforce" },
  "auth.mtaSts.testing": { ja: "テスト（testing）", en: "testing" },
  "auth.mtaSts.none": { ja: "無効化（none）", en: "none" },
  "auth.mtaSts.error": { ja: "MTA-STS: 使えません（{error}）", en: "MTA-STS: not usable ({error})" },
  "auth.dane.match": {
    ja: "DANE: TLSA 一致（DNSSEC 検証済み）",
    en: "DANE: TLSA matches (DNSSEC-validated)",
  },
  "auth.dane.mismatch": { ja: "DANE: TLSA 不一致", en: "DANE: TLSA does not match" },
  "auth.dane.unusable": { ja: "DANE: 使える TLSA なし", en: "DANE: no usable TLSA record" },
  "auth.dane.unsigned": {
    ja: "DANE: TLSA あり（ゾーンが署名されていないため無視）",
    en: "DANE: TLSA ignored (zone not signed)",
  },
  "auth.dane.bogus": { ja: "DANE: DNSSEC 検証失敗（bogus）", en: "DANE: DNSSEC validation failed (bogus)" },
  "auth.dane.error": { ja: "DANE: 確認できず（{error}）", en: "DANE: not checked ({error})" },
  "auth.tlsRpt": { ja: "TLS-RPT（失敗の報告先）: {rua}", en: "TLS-RPT: {rua}" },
  "auth.tlsRpt.error": { ja: "TLS-RPT: 記録が不正です", en: "TLS-RPT: invalid record" },
  "link.block.title": { ja: "ダウンロードリンク: {name}（{size}）", en: "Download link: {name} ({size})" },
  "link.block.expires": {
    ja: "有効期限: {date}（ダウンロードは {n} 回まで）",
    en: "Available until {date} (at most {n} downloads)",
  },
  "link.block.expiresOnly": { ja: "有効期限: {date}", en: "Available until {date}" },
  "link.block.code": {
    ja: "ダウンロードの際、このメールを受け取ったアドレスに届く確認コードを入力してください。",
    en: "To download, enter the code that will be mailed to the address this message reached you at.",
  },
  "pane.link.replace": { ja: "ダウンロードリンクに置き換え", en: "Replace with a download link" },
  "pane.link.replaceFile": {
    ja: "{name} をダウンロードリンクに置き換え",
    en: "Replace {name} with a download link",
  },
  "pane.link.replaceAll": {
    ja: "すべての添付ファイルをリンクに置き換え",
    en: "Replace all attachments with links",
  },
  "pane.link.uploading": { ja: "{name} をアップロード中…", en: "Uploading {name}…" },
  "pane.link.cancel": { ja: "キャンセル", en: "Cancel" },
  "pane.link.done": {
    ja: "{name} をダウンロードリンクに置き換え、本文にリンクを入れました。",
    en: "{name} was replaced by a download link in the message.",
  },
  "pane.link.doneCode": {
    ja: "{name} をダウンロードリンクに置き換え、本文にリンクを入れました。宛先の方だけが、メールで届く確認コードでダウンロードできます。",
    en: "{name} was replaced by a download link in the message. Only the recipients can download it, with a code mailed to them.",
  },
  "pane.link.failed": {
    ja: "{name} をリンクにできませんでした（{why}）。添付と本文はそのままです。",
    en: "{name} could not be turned into a link ({why}). The attachment and the message are unchanged.",
  },
  "pane.link.cancelled": {
    ja: "キャンセルしました。添付と本文はそのままです。",
    en: "Cancelled. The attachment and the message are unchanged.",
  },
  "pane.deletesEncrypted": {
    ja: "パスワード付き添付を削除する宛先",
    en: "Deletes password-protected attachments",
  },
  "pane.link.refused": {
    ja: "サービスがアップロードを受け付けませんでした。サインインが必要です。管理者にお知らせください",
    en: "the service did not accept the upload: it needs a sign-in. Please tell your administrator",
  },
  "pane.link.tooLarge": {
    ja: "{max} MB を超えるファイルはリンクにできません",
    en: "files over {max} MB cannot be linked",
  },
  "error.invalidDomain": {
    ja: "不正なドメイン名です: {input}（{why}）",
    en: "invalid domain: {input} ({why})",
  },
  "error.notFound": { ja: "ファイルが見つかりません", en: "file not found" },
  "error.isDirectory": { ja: "ディレクトリです", en: "is a directory" },
  "error.cannotRead": { ja: "読み取れません: {reason}", en: "cannot be read: {reason}" },
  "admin.title": { ja: "MailTLS Guard 管理コンソール", en: "MailTLS Guard admin console" },
  "admin.signIn.title": { ja: "サインイン", en: "Sign in" },
  "admin.signIn.key": { ja: "運用者キー（MAILTLS_ADMIN_KEYS）", en: "Operator key (MAILTLS_ADMIN_KEYS)" },
  "admin.signIn.button": { ja: "サインイン", en: "Sign in" },
  "admin.signIn.note": {
    ja: "キーはこのブラウザーのタブの中だけに保存されます（sessionStorage）。テナント管理者の Entra サインインは管理者ガイドを参照してください。",
    en: "The key is kept in this browser tab only (sessionStorage). For tenant admins' Entra sign-in, see the administrator's guide.",
  },
  "admin.signIn.failed": { ja: "サインインできませんでした: {why}", en: "Could not sign in: {why}" },
  "admin.signOut": { ja: "サインアウト", en: "Sign out" },
  "admin.tenant": { ja: "テナント", en: "Tenant" },
  "admin.period": { ja: "期間", en: "Period" },
  "admin.period.days": { ja: "過去 {n} 日", en: "Last {n} days" },
  "admin.theme": { ja: "表示", en: "Theme" },
  "admin.theme.light": { ja: "ライト", en: "Light" },
  "admin.theme.dark": { ja: "ダーク", en: "Dark" },
  "admin.theme.contrast": { ja: "ハイコントラスト", en: "High contrast" },
  "admin.loading": { ja: "集計を読み込んでいます…", en: "Loading the figures…" },
  "admin.error": { ja: "読み込めませんでした: {why}", en: "Could not load: {why}" },
  "admin.headline": {
    ja: "取引先 {total} ドメインのうち {share}% が暗号化されたメールを受け取れます",
    en: "{share}% of {total} partner domains accept encrypted mail",
  },
  "admin.headline.none": {
    ja: "この期間の取引先ドメインはまだありません。アドインの利用が始まるか、取引先リストをインポートすると表示されます。",
    en: "No partner domains in this period yet: they appear as the add-in is used, or when you import a partner list.",
  },
  "admin.headline.counted": {
    ja: "判定済み {counted} ドメイン（暗号化 {encrypted}、未対応 {plain}）。受信不可・不明の {other} ドメインは割合に含めません。",
    en: "{counted} domains graded ({encrypted} encrypted, {plain} not). {other} that receive no mail or are unknown are left out of the share.",
  },
  "admin.headline.authenticated": {
    ja: "うち {share}% は MTA-STS または DANE で相手サーバーを認証できます。",
    en: "{share}% are also authenticated (MTA-STS or DANE).",
  },
  "admin.headline.lookups": {
    ja: "送信回数で重み付けすると {share}%（確認 {total} 回）。",
    en: "Weighted by look-ups: {share}% of {total} look-ups.",
  },
  "admin.grades.title": { ja: "判定の内訳", en: "Grades" },
  "admin.grades.count": { ja: "{n} ドメイン", en: "{n}" },
  "admin.trend.title": { ja: "週ごとの推移", en: "Week by week" },
  "admin.trend.share": { ja: "暗号化対応の割合（%）", en: "Encrypted share (%)" },
  "admin.trend.week": { ja: "週", en: "Week" },
  "admin.trend.partners": { ja: "取引先", en: "Partners" },
  "admin.trend.ppap": { ja: "パスワード付き添付", en: "Password attachments" },
  "admin.ppap.title": { ja: "PPAP の防止", en: "PPAP attempts caught" },
  "admin.ppap.checked": { ja: "確認した送信", en: "Sends checked" },
  "admin.ppap.caught": {
    ja: "パスワード付き添付のある送信",
    en: "Sends with a password-protected attachment",
  },
  "admin.ppap.blocked": { ja: "止めた送信", en: "Sends stopped" },
  "admin.ppap.warned": { ja: "警告した送信", en: "Sends warned about" },
  "admin.ppap.links": { ja: "ダウンロードリンクへの置き換え", en: "Attachments replaced by a download link" },
  "admin.ppap.resolved": { ja: "止めた後の送り方", en: "How stopped sends went out" },
  "admin.ppap.resolved.downloadLink": { ja: "ダウンロードリンクで", en: "With a download link" },
  "admin.ppap.resolved.plainAttachments": { ja: "パスワードなしの添付で", en: "With plain attachments" },
  "admin.ppap.resolved.noAttachments": { ja: "添付なしで", en: "Without attachments" },
  "admin.partners.title": { ja: "暗号化に対応していない取引先", en: "Partners without encryption" },
  "admin.partners.note": {
    ja: "送信の多い順。依頼文を送って STARTTLS の有効化をお願いしましょう。",
    en: "Most written to first. Send them the request to enable STARTTLS.",
  },
  "admin.partners.empty": {
    ja: "この期間、暗号化に対応していない取引先はありません。",
    en: "No partner without encryption in this period.",
  },
  "admin.partners.domain": { ja: "ドメイン", en: "Domain" },
  "admin.partners.grade": { ja: "判定", en: "Grade" },
  "admin.partners.lookups": { ja: "確認回数", en: "Look-ups" },
  "admin.partners.checked": { ja: "最終確認", en: "Last checked" },
  "admin.partners.actions": { ja: "操作", en: "Actions" },
  "admin.partners.checkAgain": { ja: "再確認", en: "Check again" },
  "admin.partners.checkAgainFor": { ja: "{domain} を再確認", en: "Check {domain} again" },
  "admin.partners.copy": { ja: "依頼文をコピー", en: "Copy the request" },
  "admin.partners.copyFor": { ja: "{domain} への依頼文をコピー", en: "Copy the request to {domain}" },
  "admin.partners.copied": { ja: "{domain} への依頼文をコピーしました", en: "Request to {domain} copied" },
  "admin.partners.copyFailed": {
    ja: "コピーできませんでした。下の文面を選択してコピーしてください。",
    en: "Could not copy: select the text below and copy it.",
  },
  "admin.partners.rechecked": {
    ja: "{domain} を再確認しました: {grade}",
    en: "{domain} checked again: {grade}",
  },
  "admin.deleters.title": {
    ja: "パスワード付き添付を削除する取引先",
    en: "Partners that delete password-protected attachments",
  },
  "admin.deleters.note": {
    ja: "ポリシーの partners.rejectsEncryptedAttachments の一覧です。これらの宛先へのパスワード付き添付は、判定にかかわらず送信時に止めます。",
    en: "From the policy's partners.rejectsEncryptedAttachments: a password-protected attachment to them is stopped on send, whatever the grade.",
  },
  "admin.deleters.none": { ja: "登録されていません。", en: "None listed." },
  "admin.data.title": { ja: "取引先リスト", en: "Partner list" },
  "admin.export": { ja: "取引先を CSV で書き出す", en: "Export partners (CSV)" },
  "admin.import.label": {
    ja: "取引先リストをインポート（CSV またはアドレス・ドメインを 1 行に 1 つ、10 MB まで）",
    en: "Import a partner list (CSV, or one address or domain per line; up to 10 MB)",
  },
  "admin.import.button": { ja: "インポート", en: "Import" },
  "admin.import.progress": { ja: "{total} 件中 {done} 件を確認しました", en: "{done} of {total} checked" },
  "admin.import.done": {
    ja: "インポート完了: {total} ドメインを確認しました。",
    en: "Import done: {total} domains checked.",
  },
  "admin.import.interrupted": {
    ja: "インポートが中断されました（{done}/{total}）。",
    en: "The import was interrupted ({done}/{total}).",
  },
  "admin.import.failed": { ja: "インポートできませんでした: {why}", en: "Could not import: {why}" },
  "admin.exchange.title": { ja: "Exchange Online での強制", en: "Exchange Online" },
  "admin.exchange.note": {
    ja: "取引先の確認結果から、TLS を必須にする Exchange Online の送信コネクタと、社外宛てのパスワード付き添付を監査する転送ルールの PowerShell スクリプトを作ります。Smart Alerts の動かない iOS・Android の Outlook や、アドインのない利用者の送信にも効きます。内容を確認し、Connect-ExchangeOnline で接続してから実行してください。",
    en: "From the partners' checks, a PowerShell script for Exchange Online: outbound connectors that require TLS to the partners that proved it, and a transport rule that audits password-protected attachments to outside recipients. It also covers Outlook on iOS and Android, where Smart Alerts do not run, and users without the add-in. Review it, connect with Connect-ExchangeOnline, then run it.",
  },
  "admin.exchange.includeUnverified": {
    ja: "証明書を検証できない取引先も含める（EncryptionOnly）",
    en: "Include partners whose certificate does not validate (EncryptionOnly)",
  },
  "admin.exchange.enforce": {
    ja: "パスワード付き添付を拒否する（既定は監査のみ）",
    en: "Reject password-protected attachments (the default only audits)",
  },
  "admin.exchange.maxAge": { ja: "この日数以内の確認結果を使う", en: "Use checks from the last" },
  "admin.exchange.days": { ja: "{n} 日", en: "{n} days" },
  "admin.exchange.included": {
    ja: "TLS を必須にする取引先（{n}）",
    en: "Partners TLS will be required for ({n})",
  },
  "admin.exchange.excluded": { ja: "入れない取引先（{n}）", en: "Partners left out ({n})" },
  "admin.exchange.connector": { ja: "コネクタ", en: "Connector" },
  "admin.exchange.why": { ja: "理由", en: "Why" },
  "admin.exchange.none": { ja: "ありません。", en: "None." },
  "admin.exchange.download": {
    ja: "スクリプトをダウンロード（.ps1）",
    en: "Download the script (.ps1)",
  },
  "admin.exchange.rollback": { ja: "ロールバックをダウンロード", en: "Download the rollback" },
  "admin.exchange.showScript": { ja: "スクリプトを表示", en: "Show the script" },
  "admin.exchange.last": {
    ja: "前回の生成: {at}（取引先 {partners} 件、コネクタ {connectors} 個、{mode}）",
    en: "Last generated {at}: {partners} partners in {connectors} connectors, {mode}",
  },
  "admin.exchange.never": {
    ja: "まだ生成していません。ダウンロードすると記録され、ロールバックと変化の監視に使われます。",
    en: "Not generated yet. A download is recorded, for its rollback and to watch for drift.",
  },
  "admin.exchange.downloaded": {
    ja: "ダウンロードしました。この生成を記録しました。",
    en: "Downloaded; this generation is recorded.",
  },
  "admin.exchange.drift.title": {
    ja: "TLS 必須のコネクタに入れた取引先のうち、条件を満たさなくなったもの: {n} 件",
    en: "Partners inside the generated TLS-required connectors that no longer qualify: {n}",
  },
  "admin.exchange.drift.body": {
    ja: "これらへのメールは今、保留され、やがて返送されます。スクリプトを生成し直して実行してください。",
    en: "Mail to them would be held now, and in the end bounced. Generate the script again and run it.",
  },
  "exchange.excluded.partial": {
    ja: "一部の MX が暗号化（TLS）に対応していません。TLS を必須にすると、その MX へのメールが保留・返送されます。",
    en: "Some MX hosts do not accept TLS: with TLS required, mail routed to them would be held, then bounced.",
  },
  "exchange.excluded.no-tls": {
    ja: "暗号化（STARTTLS）に対応していません。TLS を必須にするとメールが届かなくなります。",
    en: "Does not accept TLS (STARTTLS): with TLS required, mail would not arrive.",
  },
  "exchange.excluded.unknown": {
    ja: "判定できませんでした（応答なし・時間切れ）。確かめられないものは必須にしません。",
    en: "Could not be checked (no answer, or timed out): what is not proven is not required.",
  },
  "exchange.excluded.no-mail": {
    ja: "メールを受け取らないドメインです。",
    en: "The domain receives no mail.",
  },
  "exchange.excluded.not-every-mx": {
    ja: "応答しなかった MX があります（{hosts}）。そこで TLS が使えるかわかりません。",
    en: "Some MX hosts did not answer ({hosts}): whether they accept TLS is not known.",
  },
  "exchange.excluded.cert-unverified": {
    ja: "暗号化はできますが、証明書を検証できません（{hosts}）。「証明書を検証できない取引先も含める」（--include-unverified）で EncryptionOnly のコネクタに入ります。",
    en: 'Accepts TLS, but the certificate does not validate ({hosts}). "Include unverified" (--include-unverified) puts it in an EncryptionOnly connector.',
  },
  "exchange.excluded.stale": {
    ja: "最後の確認が {days} 日より前です。確認し直してから生成してください。",
    en: "Last checked more than {days} days ago: check it again, then generate.",
  },
  "exchange.excluded.not-checked": {
    ja: "まだ確認されていません。",
    en: "Not checked yet.",
  },
  "exchange.excluded.over-limit": {
    ja: "1 回で扱える取引先の上限（{max} 件）を超えました。",
    en: "Beyond the partners one plan takes ({max}).",
  },
  "exchange.tls.CertificateValidation": {
    ja: "TLS 必須・証明書を検証",
    en: "TLS required, certificate validated",
  },
  "exchange.tls.DomainValidation": {
    ja: "TLS 必須・証明書と名前（{pattern}）を検証",
    en: "TLS required, certificate and name ({pattern}) validated",
  },
  "exchange.tls.EncryptionOnly": {
    ja: "TLS 必須・暗号化のみ（証明書は検証しない）",
    en: "TLS required, encryption only (certificate not validated)",
  },
  "exchange.reject": {
    ja: "パスワード付きの添付ファイルは社外へ送れません（PPAP 廃止）。宛先のメールサーバーが暗号化（TLS）に対応していれば、パスワードをかけずにそのまま添付して送ってください。対応していなければ、MailTLS Guard のダウンロードリンクで送ってください。",
    en: "Password-protected attachments cannot be sent outside the organisation (no more PPAP). If the recipient's mail servers accept encrypted mail (TLS), attach the file without a password; otherwise send it as a MailTLS Guard download link.",
  },
  "exchange.reject.check": { ja: "宛先の確認: {url}", en: "Check a recipient: {url}" },
  "exchange.script.title": {
    ja: "MailTLS Guard: Exchange Online の送信コネクタと転送ルール",
    en: "MailTLS Guard: Exchange Online outbound connectors and transport rule",
  },
  "exchange.script.generated": { ja: "生成日時: {at}（{source}）", en: "Generated {at} ({source})" },
  "exchange.script.source.cli": {
    ja: "mailtls exchange-config がその場で確認した結果から",
    en: "from the probes mailtls exchange-config ran just then",
  },
  "exchange.script.source.service": {
    ja: "MailTLS Guard サービスが {days} 日以内に確認した判定から、テナント {tenant}",
    en: "from the MailTLS Guard service's verdicts of the last {days} days, tenant {tenant}",
  },
  "exchange.script.does": {
    ja: "TLS を証明した取引先への送信に TLS を必須にし、社外宛てのパスワード付き添付を{mode}。",
    en: "It requires TLS for mail to the partners that proved it, and {mode} password-protected attachments to outside recipients.",
  },
  "exchange.script.mode.Audit": {
    ja: "監査します（記録のみ、メールは止めません）",
    en: "audits (records, stops nothing)",
  },
  "exchange.script.mode.Enforce": {
    ja: "拒否します（送信者に理由を返します）",
    en: "rejects (the sender gets the reason back)",
  },
  "exchange.script.warning": {
    ja: "警告: TLS 必須のコネクタは、取引先の TLS が後で壊れると、その宛先へのメールを保留し、やがて返送します。このスクリプトを定期的に（少なくとも週に 1 度）生成し直して実行してください。MailTLS Guard のコンソールは、そうなった取引先を知らせます。",
    en: "Warning: a TLS-required connector holds mail, and in the end bounces it, when a partner's TLS later breaks. Generate this script again and run it regularly (at least weekly); the MailTLS Guard console alerts when a partner in a generated connector falls below what put it there.",
  },
  "exchange.script.run": {
    ja: "実行方法（Windows PowerShell 5.1 または PowerShell 7、ExchangeOnlineManagement モジュール）:",
    en: "How to run (Windows PowerShell 5.1 or PowerShell 7, with the ExchangeOnlineManagement module):",
  },
  "exchange.script.undo": {
    ja: "元に戻す: ロールバックスクリプト（mailtls exchange-config --rollback FILE、またはコンソールの「ロールバック」）は、このスクリプトが作るものだけを削除します。",
    en: "Undo: the rollback script (mailtls exchange-config --rollback FILE, or the console's rollback download) removes exactly what this script creates.",
  },
  "exchange.script.twice": {
    ja: "2 回実行しても結果は同じです（あれば Set-、なければ New-）。以前このスクリプトが作り、今回の計画にないコネクタ（名前が「{prefix}」で始まるもの）は削除します。",
    en: 'Running it twice changes nothing (Set- when it exists, New- otherwise). Connectors it made before that this plan no longer has (names beginning "{prefix}") are removed.',
  },
  "exchange.script.included": {
    ja: "TLS 必須のコネクタに入れた取引先（{n}）:",
    en: "Partners in TLS-required connectors ({n}):",
  },
  "exchange.script.excluded": {
    ja: "入れなかった取引先（{n}）: これらへのメールは従来どおりです（相手が対応していれば TLS を使います）。",
    en: "Partners left out ({n}): mail to them goes as before (TLS whenever offered).",
  },
  "exchange.script.none": {
    ja: "TLS を必須にできる取引先はありません。コネクタは作りません。",
    en: "No partner qualifies for required TLS: no connector is created.",
  },
  "exchange.script.dane": {
    ja: "SmtpDaneMode を Mandatory にすると、Exchange Online はこのコネクタの宛先へ、DANE（DNSSEC で署名された TLSA レコード）でサーバーを認証できたときだけ送ります。取引先の DNSSEC や TLSA が壊れるとメールは保留されます。有効にするには次の行の # を外してください。",
    en: "SmtpDaneMode Mandatory: Exchange Online then sends to this connector's partners only when DANE (TLSA records signed with DNSSEC) authenticates their servers; mail is held if a partner's DNSSEC or TLSA breaks. Remove the # on the next line to turn it on.",
  },
  "exchange.script.mtaSts": {
    ja: "MTA-STS: Exchange Online は既定（MtaStsMode Opportunistic）で取引先の MTA-STS ポリシーに従います。このスクリプトは変更しません。",
    en: "MTA-STS: Exchange Online follows partners' MTA-STS policies by default (MtaStsMode Opportunistic); this script leaves that as it is.",
  },
  "exchange.script.domainValidation": {
    ja: "DomainValidation: 証明書の名前が {pattern} に一致することも確かめます。確認では、これらの取引先の MX はすべてこの範囲にあり、それぞれの名前に有効な証明書を示しました。",
    en: "DomainValidation: the certificate's name must also match {pattern}. Every MX of these partners is below it and presented a certificate valid for its name.",
  },
  "exchange.script.encryptionOnly": {
    ja: "EncryptionOnly: 暗号化は必須にしますが、証明書は検証しません（証明書を検証できない取引先）。",
    en: "EncryptionOnly: encryption is required, the certificate is not validated (partners whose certificate does not validate).",
  },
  "exchange.script.rule": {
    ja: "社外宛てのパスワード付き添付ファイル。Audit（既定）はメッセージ追跡に記録するだけで、Enforce（--enforce）は送信者に次の理由を付けて拒否します。",
    en: "Password-protected attachments to outside recipients. Audit (the default) only records them in message trace; Enforce (--enforce) rejects them with the reason below.",
  },
  "exchange.script.stale": {
    ja: "このスクリプトが以前作り、今回の計画にないコネクタを削除します（TLS の必須をやめるだけで、メールは止まりません）。",
    en: "Removes connectors this script made before that this plan no longer has (that only stops requiring TLS; no mail stops).",
  },
  "exchange.cli.summary": {
    ja: "{included} 件の取引先を {connectors} 個のコネクタに入れ、{excluded} 件を除外しました。パスワード付き添付のルールは {mode} モードです。",
    en: "{included} partners in {connectors} connectors, {excluded} left out; the password-attachment rule is in {mode} mode.",
  },
  "exchange.rollback.title": {
    ja: "MailTLS Guard: {at} に生成した Exchange Online の構成を元に戻す",
    en: "MailTLS Guard: undo the Exchange Online configuration generated {at}",
  },
  "exchange.rollback.does": {
    ja: "次のコネクタと転送ルールがあれば削除します。それ以外には触れません。2 回実行しても問題ありません。",
    en: "Removes these connectors and the transport rule where they exist, and touches nothing else; running it twice is harmless.",
  },
  "doctor.status.ok": { ja: "OK", en: "OK" },
  "doctor.status.warn": { ja: "注意", en: "WARN" },
  "doctor.status.fail": { ja: "失敗", en: "FAIL" },
  "doctor.status.skip": { ja: "省略", en: "SKIP" },
  "doctor.fixLabel": { ja: "対処:", en: "Fix:" },
  "doctor.summary.ok": {
    ja: "失敗した項目はありません（{total} 項目: OK {ok}、注意 {warn}、省略 {skip}）。",
    en: "No check failed ({total} checks: OK {ok}, WARN {warn}, SKIP {skip}).",
  },
  "doctor.summary.fail": {
    ja: "{total} 項目中 {fail} 項目が失敗しました（OK {ok}、注意 {warn}、省略 {skip}）。",
    en: "{fail} of {total} checks failed (OK {ok}, WARN {warn}, SKIP {skip}).",
  },
  "doctor.timeout": {
    ja: "{ms} ms 以内に終わりませんでした。",
    en: "did not finish within {ms} ms.",
  },
  "doctor.timeout.fix": {
    ja: "相手が応答するか確かめ、必要なら --timeout を長くしてください。",
    en: "Check that the server in question answers; give a longer --timeout if it is merely slow.",
  },
  "doctor.config": { ja: "設定に誤りがあります: {error}", en: "a setting is wrong: {error}" },
  "doctor.config.fix": {
    ja: "示された環境変数を直してください。このままではサービスが起動しません。",
    en: "Correct the setting named; the service does not start with it as it is.",
  },
  "doctor.crashed": { ja: "確認中にエラーが起きました: {error}", en: "the check itself failed: {error}" },
  "doctor.smtp.ok": {
    ja: "ポート {port} へ送信方向に接続できます: {host} [{address}] が 220 で応答しました（{ms} ms）。",
    en: "outbound port {port} works: {host} [{address}] greeted us with 220 ({ms} ms).",
  },
  "doctor.smtp.refused": {
    ja: "ポート {port} には接続できますが、{host} [{address}] に拒否されました: {reply}",
    en: "port {port} is open, but {host} [{address}] turned us away: {reply}",
  },
  "doctor.smtp.refused.fix": {
    ja: "ポート 25 はふさがれていません。このサーバーが接続元を拒否しています（クラウドのアドレス帯をブロックリストに載せるサーバーは少なくありません）。--domain で別のドメインを試し、どこでも拒否されるなら、逆引き DNS の設定や別のアドレスをプロバイダーに依頼してください。",
    en: "Port 25 is not blocked: this server refuses this machine's address (many refuse cloud address ranges). Try another --domain; if every server refuses, ask your provider for reverse DNS or another address.",
  },
  "doctor.smtp.fail": {
    ja: "{domain} のメールサーバーのどれにもポート {port} で接続できませんでした: {errors}",
    en: "no mail server of {domain} answered on port {port}: {errors}",
  },
  "doctor.smtp.timeouts": {
    ja: "（接続のタイムアウトは、ポート 25 がふさがれているときの典型的な症状です）",
    en: " (connections that time out are the usual sign of a blocked port 25)",
  },
  "doctor.smtp.fail.fix": {
    ja: "ほとんどのクラウド事業者（AWS、Azure、Google Cloud など）は、送信方向のポート 25 を初期設定でふさいでいます。ふさがれている間、プローブは一切動きません。事業者の申請フォームやサポートで解除を依頼するか、ポート 25 が開いている場所でサービスを動かしてください。あわせて、このマシンとインターネットの間のファイアウォールと MAILTLS_SMTP_PORT（既定 25）も確認してください。",
    en: "Most cloud providers (AWS, Azure, Google Cloud and others) block outbound port 25 by default, and the probe cannot work at all until the block is lifted: ask your provider to lift it (a request form or a support ticket), or run the service where port 25 is open. Also check the firewalls between this machine and the internet, and MAILTLS_SMTP_PORT (default 25).",
  },
  "doctor.smtp.dns": {
    ja: "{domain} のメールサーバーを DNS で調べられませんでした: {error}",
    en: "could not look up the mail servers of {domain}: {error}",
  },
  "doctor.smtp.dns.fix": {
    ja: "dns の項目と MAILTLS_DNS_SERVERS を確認するか、--domain で別のドメインを指定してください。",
    en: "See the dns check and MAILTLS_DNS_SERVERS, or give another --domain.",
  },
  "doctor.smtp.nomail": {
    ja: "{domain} はメールを受け取らないドメインです（MX もアドレスもありません）。",
    en: "{domain} does not receive mail (no MX or address records).",
  },
  "doctor.smtp.nomail.fix": {
    ja: "メールを受け取るドメインを --domain か MAILTLS_DOCTOR_DOMAIN で指定してください。",
    en: "Give a domain that receives mail with --domain or MAILTLS_DOCTOR_DOMAIN.",
  },
  "doctor.smtp.private": {
    ja: "{domain} のメールサーバーのアドレスはどれもプライベートか予約済み（{addresses}）で、プローブは接続しません。",
    en: "every mail server address of {domain} is private or reserved ({addresses}): the probe does not connect to those.",
  },
  "doctor.smtp.private.fix": {
    ja: "インターネット上のドメインを --domain で指定してください。試験環境に限り、MAILTLS_ALLOW_PRIVATE でその範囲を許可できます。",
    en: "Give a domain on the internet with --domain; in a test setup only, MAILTLS_ALLOW_PRIVATE can allow the range.",
  },
  "doctor.dns.system": { ja: "システムのリゾルバー", en: "the system's resolvers" },
  "doctor.dns.noServers": {
    ja: "DNS サーバーが設定されていません（MAILTLS_DNS_SERVERS も /etc/resolv.conf も空です）。",
    en: "no DNS server is configured (neither MAILTLS_DNS_SERVERS nor /etc/resolv.conf names one).",
  },
  "doctor.dns.answered": { ja: "{server} は応答（{ms} ms）", en: "{server} answered ({ms} ms)" },
  "doctor.dns.failed": { ja: "{server} は失敗（{error}）", en: "{server} failed ({error})" },
  "doctor.dns.ok": {
    ja: "DNS サーバー（{source}）が {domain} の MX の問い合わせに応答します: {list}",
    en: "the DNS servers ({source}) answer for the MX of {domain}: {list}",
  },
  "doctor.dns.some": {
    ja: "応答しない DNS サーバーがあります（{source}）: {list}",
    en: "some DNS servers ({source}) do not answer: {list}",
  },
  "doctor.dns.some.fix": {
    ja: "応答しないサーバーを直すか MAILTLS_DNS_SERVERS から外してください。残しておくと問い合わせのたびにタイムアウトを待つことになります。",
    en: "Fix the servers that do not answer or remove them from MAILTLS_DNS_SERVERS: each costs a timeout on lookups.",
  },
  "doctor.dns.none": {
    ja: "どの DNS サーバーも応答しません（{source}）: {list}",
    en: "no DNS server ({source}) answers: {list}",
  },
  "doctor.dns.fix": {
    ja: "MAILTLS_DNS_SERVERS（host または host:port をカンマ区切り。空ならシステムのリゾルバー）を確認し、サーバーが動いていて、このマシンからポート 53（UDP と TCP）に届くことを確かめてください。",
    en: "Check MAILTLS_DNS_SERVERS (host or host:port, comma-separated; empty: the system's resolvers), that the servers run, and that this machine reaches them on port 53 (UDP and TCP).",
  },
  "doctor.dnssec.off": {
    ja: "DANE の確認は無効です（MAILTLS_DNSSEC_RESOLVER=off）。",
    en: "DANE is turned off (MAILTLS_DNSSEC_RESOLVER=off).",
  },
  "doctor.dnssec.none": {
    ja: "検証リゾルバーがないため DANE を確認しません（MAILTLS_DNSSEC_RESOLVER が未設定で、最初の DNS サーバーもループバックではありません）。",
    en: "no validating resolver, so DANE is not checked (MAILTLS_DNSSEC_RESOLVER is unset and the first DNS server is not on loopback).",
  },
  "doctor.dnssec.none.fix": {
    ja: "このマシンで DNSSEC を検証するリゾルバー（unbound、DNSSEC=yes の systemd-resolved など）を動かして MAILTLS_DNSSEC_RESOLVER=127.0.0.1 を設定するか、DANE を使わないなら MAILTLS_DNSSEC_RESOLVER=off と明示してください。",
    en: "Run a validating resolver on this machine (unbound, or systemd-resolved with DNSSEC=yes) and set MAILTLS_DNSSEC_RESOLVER=127.0.0.1, or set MAILTLS_DNSSEC_RESOLVER=off to go without DANE knowingly.",
  },
  "doctor.dnssec.silent": {
    ja: "検証リゾルバー {resolver} が _25._tcp.{name} の問い合わせに応答しません: {error}",
    en: "the validating resolver {resolver} does not answer for _25._tcp.{name}: {error}",
  },
  "doctor.dnssec.silent.fix": {
    ja: "MAILTLS_DNSSEC_RESOLVER のリゾルバーがそのアドレスとポートで動いているか確認してください。",
    en: "Check that the resolver in MAILTLS_DNSSEC_RESOLVER runs and listens on that address and port.",
  },
  "doctor.dnssec.servfail": {
    ja: "検証リゾルバー {resolver} が _25._tcp.{name} に SERVFAIL を返しました（検証の失敗か、上位のサーバーに届かない）。",
    en: "the validating resolver {resolver} answered SERVFAIL for _25._tcp.{name} (validation failed, or it cannot reach the name's servers).",
  },
  "doctor.dnssec.noAd": {
    ja: "{resolver} は _25._tcp.{name} に応答しました（{rcode}）が AD ビットがありません。DNSSEC を検証していないため、DANE はいつまでも有効になりません。",
    en: "{resolver} answered for _25._tcp.{name} ({rcode}) without the AD bit: it does not validate DNSSEC, so DANE never counts.",
  },
  "doctor.dnssec.fix": {
    ja: "MAILTLS_DNSSEC_RESOLVER を、このマシン上で DNSSEC を検証するリゾルバー（unbound、DNSSEC=yes の systemd-resolved など）に向けてください。--dnssec-name が署名済みのゾーンの名前であることも確認してください。",
    en: "Point MAILTLS_DNSSEC_RESOLVER at a validating resolver on this machine (unbound, or systemd-resolved with DNSSEC=yes); check too that --dnssec-name is in a signed zone.",
  },
  "doctor.dnssec.ok": {
    ja: "{resolver} は DNSSEC を検証します: _25._tcp.{name} の応答に AD ビットがあります（{ms} ms）。",
    en: "{resolver} validates DNSSEC: its answer for _25._tcp.{name} carries the AD bit ({ms} ms).",
  },
  "doctor.ca.noRoots": {
    ja: "Node にルート証明書がありません。",
    en: "Node has no root certificates.",
  },
  "doctor.ca.noRoots.fix": {
    ja: "公式ビルドの Node.js を使ってください（ルート証明書を同梱しています）。",
    en: "Use an official Node.js build, which bundles the root certificates.",
  },
  "doctor.ca.ok": {
    ja: "Node のルート証明書 {roots} 件があります（MX の証明書の判定と MTA-STS ポリシーの取得に使います）。",
    en: "Node's root certificates are present ({roots}; used to judge MX certificates and to fetch MTA-STS policies).",
  },
  "doctor.ca.okExtra": {
    ja: "Node のルート証明書 {roots} 件と、NODE_EXTRA_CA_CERTS（{file}）の証明書 {n} 件があります。",
    en: "Node's root certificates are present ({roots}), and NODE_EXTRA_CA_CERTS ({file}) parses (certificates: {n}).",
  },
  "doctor.ca.unreadable": {
    ja: "NODE_EXTRA_CA_CERTS={file} を読めません: {error}",
    en: "NODE_EXTRA_CA_CERTS={file} cannot be read: {error}",
  },
  "doctor.ca.garbage": {
    ja: "NODE_EXTRA_CA_CERTS={file} に読み取れる証明書がありません: {error}",
    en: "NODE_EXTRA_CA_CERTS={file} holds no certificate Node can read: {error}",
  },
  "doctor.ca.extra.fix": {
    ja: "NODE_EXTRA_CA_CERTS を、読み取れる PEM 形式の CA 証明書ファイルに向けるか、設定を外してください。Node は起動時に一度だけ読むので、直したらサービスを再起動してください。",
    en: "Point NODE_EXTRA_CA_CERTS at a readable PEM file of CA certificates, or unset it. Node reads it once at start: restart the service after changing it.",
  },
  "doctor.storage.ok": {
    ja: "データベースとファイル置き場に書き込めます: {paths}",
    en: "the database and the file store are writable: {paths}",
  },
  "doctor.storage.okRedis": {
    ja: "ファイル置き場に書き込めます: {paths}（判定結果は Redis に保存します）",
    en: "the file store is writable: {paths} (verdicts are kept in Redis)",
  },
  "doctor.storage.fail": {
    ja: "{path}（{setting}）に書き込めません: {error}",
    en: "{path} ({setting}) is not writable: {error}",
  },
  "doctor.storage.fix": {
    ja: "MAILTLS_DB のディレクトリと MAILTLS_DATA_DIR を、サービスを動かすユーザーが書き込める場所にしてください（なければサービスが作ります）。",
    en: "Make MAILTLS_DB's directory and MAILTLS_DATA_DIR writable by the service's user, or point them elsewhere (the service creates them when missing).",
  },
  "doctor.redis.unset": {
    ja: "MAILTLS_REDIS_URL が未設定です。判定結果は SQLite（MAILTLS_DB）に保存します。",
    en: "MAILTLS_REDIS_URL is not set: verdicts are kept in SQLite (MAILTLS_DB).",
  },
  "doctor.redis.ok": {
    ja: "{url} が PING に応答しました（{ms} ms）。",
    en: "{url} answered PING ({ms} ms).",
  },
  "doctor.redis.fail": {
    ja: "{url} が PING に応答しません: {error}",
    en: "{url} does not answer PING: {error}",
  },
  "doctor.redis.fix": {
    ja: "MAILTLS_REDIS_URL（redis://[:パスワード@]host:port[/db]、TLS なら rediss://）を確認し、Redis が動いていてこのマシンから届くことを確かめてください。",
    en: "Check MAILTLS_REDIS_URL (redis://[:password@]host:port[/db], rediss:// for TLS), that Redis runs, and that this machine reaches it.",
  },
  "doctor.relay.unset": {
    ja: "MAILTLS_SMTP_RELAY が未設定です。ワンタイムのダウンロードコードはメールで送りません。",
    en: "MAILTLS_SMTP_RELAY is not set: no one-time download codes are mailed.",
  },
  "doctor.relay.badUrl": {
    ja: "MAILTLS_SMTP_RELAY={url} は smtp:// か smtps:// の URL ではありません。",
    en: "MAILTLS_SMTP_RELAY={url} is not an smtp:// or smtps:// URL.",
  },
  "doctor.relay.ok": {
    ja: "中継サーバー {url} が EHLO に応答しました（{ms} ms）。",
    en: "the relay {url} answered EHLO ({ms} ms).",
  },
  "doctor.relay.fail": {
    ja: "中継サーバー {url} を使えません: {error}",
    en: "the relay {url} does not take us: {error}",
  },
  "doctor.relay.fix": {
    ja: "MAILTLS_SMTP_RELAY（smtp://host:port、smtps://host:465、認証は user:password@）を確認し、中継サーバーがこのマシンからの接続を受け付けること、証明書が URL のホスト名で有効であること（アドレスではなく名前で指定）を確かめてください。",
    en: "Check MAILTLS_SMTP_RELAY (smtp://host:port or smtps://host:465, user:password@ for AUTH), that the relay accepts connections from this machine, and that its certificate is valid for the host name in the URL (give the name, not an address).",
  },
  "doctor.url.unset": {
    ja: "MAILTLS_PUBLIC_URL が未設定のため {url} を使います。このマシンからしか届きません。",
    en: "MAILTLS_PUBLIC_URL is not set, so {url} is used, which only this machine reaches.",
  },
  "doctor.url.invalid": {
    ja: "MAILTLS_PUBLIC_URL={url} は URL ではありません。",
    en: "MAILTLS_PUBLIC_URL={url} is not a URL.",
  },
  "doctor.url.http": {
    ja: "MAILTLS_PUBLIC_URL={url} が HTTPS ではありません。Outlook はアドインを読み込まず、ダウンロードリンクも暗号化されません。",
    en: "MAILTLS_PUBLIC_URL={url} is not HTTPS: Outlook will not load the add-in, and download links would travel in clear.",
  },
  "doctor.url.local": {
    ja: "MAILTLS_PUBLIC_URL={url} はこのマシン自身を指しています。ほかの利用者からは届きません。",
    en: "MAILTLS_PUBLIC_URL={url} points at this machine itself: other users cannot reach it.",
  },
  "doctor.url.ok": {
    ja: "MAILTLS_PUBLIC_URL={url} は HTTPS です。",
    en: "MAILTLS_PUBLIC_URL={url} is HTTPS.",
  },
  "doctor.url.fix": {
    ja: "MAILTLS_PUBLIC_URL に、利用者がサービスに届く https:// のアドレスを設定してください。アドインのマニフェストとページの基点（Office は HTTPS のアドインしか読み込みません）、API が許可するオリジン（CORS）、ダウンロードリンクの基点に使います。",
    en: "Set MAILTLS_PUBLIC_URL to the https:// address users reach the service at. It is the base of the add-in's manifest and pages (Office loads add-ins over HTTPS only), the origin the API allows (CORS), and the base of download links.",
  },
  "doctor.policy.unset": {
    ja: "MAILTLS_POLICY_FILE も MAILTLS_POLICY_DIR も未設定です。既定のポリシーを使います。",
    en: "neither MAILTLS_POLICY_FILE nor MAILTLS_POLICY_DIR is set: the default policy applies.",
  },
  "doctor.policy.file": { ja: "ポリシーファイル {file}", en: "the policy file {file}" },
  "doctor.policy.dir": {
    ja: "{dir} のテナント別ポリシー {n} 件",
    en: "tenant policies in {dir}: {n}",
  },
  "doctor.policy.ok": { ja: "ポリシーを読み込めます: {what}", en: "the policies load: {what}" },
  "doctor.policy.fail": {
    ja: "ポリシーを読み込めません: {error}",
    en: "a policy does not load: {error}",
  },
  "doctor.policy.fix": {
    ja: "示されたファイルを直してください。読み込めない間、サービスは起動せず、SIGHUP でも以前のポリシーのままです。",
    en: "Fix the file named: until it loads, the service does not start, and SIGHUP keeps the policies in use.",
  },
} as const satisfies Record<string, Record<Lang, string>>;

export type MessageKey = keyof typeof catalogue;

/** The message in `lang`, with `{name}` placeholders filled from `params`. */
export function t(lang: Lang, key: MessageKey, params: Record<string, string | number> = {}): string {
  return fill(catalogue[key][lang], params);
}

/** A short label for an inspection method code ("zipcrypto", "aes-256", "pdf-rc4-40", …). */
export function methodLabel(lang: Lang, method: string): string {
  const family: MessageKey = method.startsWith("aes")
    ? "method.aes"
    : method.startsWith("rar")
      ? "method.rar"
      : method === "pdf-attachments-encrypted"
        ? "method.pdf-attachments-encrypted"
        : method.startsWith("pdf")
          ? "method.pdf"
          : /^(office|doc|xls|ppt)/.test(method)
            ? "method.office"
            : method.startsWith("odf")
              ? "method.odf"
              : `method.${method}` in catalogue
                ? (`method.${method}` as MessageKey)
                : "method.other";
  return `${t(lang, family)} [${method}]`;
}

export function allMessageKeys(): MessageKey[] {
  return Object.keys(catalogue) as MessageKey[];
}
