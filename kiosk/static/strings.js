// Every text the kiosk shows, Vietnamese first and English second.
// Plain strings fill elements marked data-text="key"; functions format values.

const vi = {
  kioskTitle: "Lấy số thứ tự",
  languageSwitch: "English",
  reconnecting: "Đang kết nối lại… Xin chờ giây lát",
  loading: "Đang tải…",
  unpairedTitle: "Ki-ốt chưa được kích hoạt",
  unpairedText: "Máy này chưa được kết nối với hệ thống nên chưa lấy số được. Xin báo cán bộ tại quầy.",
  unpairedHelp: "Cán bộ quản trị: mở trang này một lần với mã thiết bị ki-ốt (…?token=MÃ), tạo bằng lệnh “queue-server device add … --kind kiosk”.",
  refusedTitle: "Mã ki-ốt không còn hiệu lực",
  refusedText: "Máy chủ không còn nhận mã của ki-ốt này (đã thu hồi hoặc đã đổi) nên chưa lấy số được. Xin báo cán bộ tại quầy.",
  choose: "Mời chọn lĩnh vực cần giải quyết",
  noServices: "Hiện chưa có lĩnh vực nào nhận hồ sơ. Xin hỏi cán bộ tại quầy.",
  closedTitle: "Hiện chưa lấy số được",
  closedDefault: "Hiện ngoài giờ tiếp nhận.",
  priority: "Ưu tiên",
  priorityPrompt: "Ông/bà thuộc đối tượng ưu tiên nào?",
  priorityChosen: (name) => `Ưu tiên: ${name}`,
  priorityCancel: "Hủy ưu tiên",
  back: "Quay lại",
  issuing: "Đang lấy số, xin chờ…",
  yourNumber: "Số thứ tự của ông/bà",
  service: "Lĩnh vực",
  counters: "Quầy",
  ahead: "Số người đang chờ trước",
  wait: "Thời gian chờ dự kiến",
  issuedAt: "Giờ lấy số",
  qrCaption: "Quét mã QR để theo dõi lượt của mình trên điện thoại",
  advice: "Mời ông/bà ngồi chờ. Số sẽ được gọi trên màn hình và loa.",
  printerError: "Máy in đang gặp sự cố — vui lòng chụp ảnh mã QR",
  takePrint: "Mời ông/bà nhận phiếu in.",
  done: "Xong",
  countdown: (seconds) => `Tự quay lại sau ${seconds} giây`,
  waitingCount: (count) => (count === 0 ? "Không có ai đang chờ" : `Đang chờ: ${count} người`),
  waitEstimate: (minutes) => `khoảng ${minutes}`,
  aheadCount: (count) => (count === 0 ? "Không có ai" : `${count} người`),
  minutes: (count) => `${count} phút`,
  hoursMinutes: (hours, minutes) => (minutes ? `${hours} giờ ${minutes} phút` : `${hours} giờ`),
  soon: "Sắp đến lượt",
  counterList: (numbers) => numbers.join(", "),
  networkFailed: "Không kết nối được với máy chủ. Xin thử lại sau giây lát hoặc báo cán bộ tại quầy.",
  failed: "Chưa lấy được số. Xin thử lại hoặc báo cán bộ tại quầy.",
  smsOffer: "Nhắn tin cho tôi khi sắp đến lượt",
  smsOfferNote: "Không bắt buộc · để ra ngoài chờ",
  smsPrompt: "Nhập số điện thoại di động",
  smsConsent: (hours) => `Số điện thoại chỉ dùng để nhắn tin khi sắp đến lượt, và được xóa sau ${hours} giờ.`,
  erase: "Xóa",
  clear: "Xóa hết",
  smsSkip: "Bỏ qua",
  smsSend: "Đồng ý và gửi",
  smsSending: "Đang gửi…",
  smsDone: (ahead) => `Đã đăng ký. Hệ thống sẽ nhắn tin khi còn ${ahead} người trước ông/bà.`,
  smsInvalid: "Số điện thoại chưa đúng. Xin kiểm tra lại (ví dụ 0912 345 678).",
};

const en = {
  kioskTitle: "Take a number",
  languageSwitch: "Tiếng Việt",
  reconnecting: "Reconnecting… please wait a moment",
  loading: "Loading…",
  unpairedTitle: "This kiosk is not activated",
  unpairedText: "This machine is not connected to the queue system yet, so it cannot issue numbers. Please tell an officer at a counter.",
  unpairedHelp: "Administrator: open this page once with the kiosk's device token (…?token=TOKEN), made with “queue-server device add … --kind kiosk”.",
  refusedTitle: "This kiosk's token is no longer valid",
  refusedText: "The server no longer accepts this kiosk's token (revoked or replaced), so it cannot issue numbers. Please tell an officer at a counter.",
  choose: "Please choose the service you need",
  noServices: "No service is taking tickets right now. Please ask an officer.",
  closedTitle: "No numbers can be taken now",
  closedDefault: "The office is closed now.",
  priority: "Priority",
  priorityPrompt: "Which priority group do you belong to?",
  priorityChosen: (name) => `Priority: ${name}`,
  priorityCancel: "Cancel priority",
  back: "Back",
  issuing: "Getting your number, please wait…",
  yourNumber: "Your number",
  service: "Service",
  counters: "Counter",
  ahead: "People before you",
  wait: "Estimated wait",
  issuedAt: "Issued at",
  qrCaption: "Scan the QR code to follow your turn on your phone",
  advice: "Please take a seat. Your number will be shown on the screen and called out.",
  printerError: "The printer has a problem — please take a photo of the QR code",
  takePrint: "Please take your printed ticket.",
  done: "Done",
  countdown: (seconds) => `Returning in ${seconds} s`,
  waitingCount: (count) => (count === 0 ? "Nobody waiting" : `Waiting: ${count}`),
  waitEstimate: (minutes) => `about ${minutes}`,
  aheadCount: (count) => (count === 0 ? "Nobody" : `${count}`),
  minutes: (count) => `${count} min`,
  hoursMinutes: (hours, minutes) => (minutes ? `${hours} h ${minutes} min` : `${hours} h`),
  soon: "Your turn is next",
  counterList: (numbers) => numbers.join(", "),
  networkFailed: "Cannot reach the server. Please try again in a moment or ask an officer.",
  failed: "No number could be issued. Please try again or ask an officer.",
  smsOffer: "Text me when my turn is near",
  smsOfferNote: "Optional · so you can wait outside",
  smsPrompt: "Enter your mobile number",
  smsConsent: (hours) => `Your number is used only to text you when your turn is near, and is deleted after ${hours} hours.`,
  erase: "Delete",
  clear: "Clear",
  smsSkip: "Skip",
  smsSend: "Agree and send",
  smsSending: "Sending…",
  smsDone: (ahead) => `Done. We will text you when ${ahead} ${ahead === 1 ? "person is" : "people are"} before you.`,
  smsInvalid: "That number is not right. Please check it (for example 0912 345 678).",
};

export const STRINGS = { vi, en };

// "khoảng 25 phút", "khoảng 1 giờ 10 phút"; null when there is no estimate.
export function waitText(texts, seconds) {
  if (seconds === null || seconds === undefined) return null;
  if (seconds < 60) return texts.soon;
  const minutes = Math.round(seconds / 60);
  const span = minutes < 60
    ? texts.minutes(minutes)
    : texts.hoursMinutes(Math.floor(minutes / 60), minutes % 60);
  return texts.waitEstimate(span);
}

// "09:05 26/11/2026" from the server's local ISO time, without converting time zones.
export function issuedText(iso) {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso || "");
  if (!match) return "";
  const [, year, month, day, hour, minute] = match;
  return `${hour}:${minute} ${day}/${month}/${year}`;
}
