// Every text of the ticket page and the rating tablet, Vietnamese first and English second.
// Plain strings fill elements marked data-text="key"; functions format values.

const vi = {
  languageSwitch: "English",
  offline: "Mất kết nối – đang kết nối lại…",
  loading: "Đang tải…",
  soundPrompt: "Bấm vào đây để điện thoại kêu khi sắp đến lượt",
  soundOn: "Đã bật chuông báo",
  nearTitle: "Sắp đến lượt!",
  nearText: (ahead) => (ahead === 0
    ? "Ông/bà là người tiếp theo. Mời quay lại phòng chờ."
    : `Còn ${ahead} người trước ông/bà. Mời quay lại phòng chờ.`),
  understood: "Đã hiểu",
  calledTitle: "Mời ông/bà đến",
  counterName: (number) => `Quầy ${number}`,
  yourNumber: "Số của ông/bà",
  wait: "Thời gian chờ dự kiến",
  counters: "Quầy phục vụ",
  statusWaiting: (ahead) => (ahead === 0 ? "Ông/bà là người tiếp theo"
    : `Còn ${ahead} người trước ông/bà`),
  statusWaitingUnknown: "Đang chờ đến lượt",
  statusCalled: (counter) => `Đang được mời đến Quầy ${counter}`,
  statusDone: "Đã phục vụ xong. Cảm ơn ông/bà!",
  statusNoShow: "Số đã qua vì ông/bà vắng mặt khi được gọi. Xin hỏi cán bộ tại quầy.",
  statusCancelled: "Số này đã bị hủy. Xin hỏi cán bộ tại quầy nếu cần.",
  minutes: (count) => `khoảng ${count} phút`,
  hoursMinutes: (hours, minutes) => (minutes ? `khoảng ${hours} giờ ${minutes} phút` : `khoảng ${hours} giờ`),
  soon: "sắp được gọi",
  updated: (time) => `Cập nhật lúc ${time}`,
  privacy: "Trang này không hỏi và không hiển thị thông tin cá nhân.",
  // the rating form
  ratingTitle: "Ông/bà có hài lòng với việc phục vụ không?",
  levels: { 5: "Rất hài lòng", 4: "Hài lòng", 3: "Bình thường", 2: "Không hài lòng", 1: "Rất không hài lòng" },
  reasonsTitle: "Điều gì chưa tốt? (chọn một hoặc nhiều)",
  reasons: {
    officer_attitude: "Thái độ cán bộ",
    waiting_time: "Thời gian chờ lâu",
    procedure_unclear: "Thủ tục chưa rõ ràng",
    asked_to_come_back: "Bị hẹn quay lại",
    facilities: "Cơ sở vật chất",
    other: "Lý do khác",
  },
  commentLabel: "Góp ý thêm (không bắt buộc)",
  visitsTitle: "Ông/bà đến làm việc này lần thứ mấy?",
  visits: { first: "Lần đầu", second: "Lần thứ hai", three_or_more: "Từ ba lần trở lên" },
  send: "Gửi đánh giá",
  sending: "Đang gửi…",
  thanks: "Cảm ơn ông/bà đã đánh giá!",
  alreadyRated: "Số này đã được đánh giá. Cảm ơn ông/bà!",
  sendFailed: "Chưa gửi được. Xin thử lại.",
  tooMany: "Gửi quá nhiều lần. Xin thử lại sau ít phút.",
  // the rating tablet
  unpairedTitle: "Máy đánh giá chưa được kích hoạt",
  unpairedText: "Xin báo cán bộ quản trị.",
  unpairedHelp: "Cán bộ quản trị: mở trang này một lần với mã thiết bị (…?token=MÃ), tạo bằng lệnh “queue-server device add … --kind rating”.",
  idleText: "Sau khi được phục vụ, mời ông/bà đánh giá tại đây.",
  ratingFor: "Đánh giá cho số",
  countdown: (seconds) => `Tự đóng sau ${seconds} giây`,
  sendCountdown: (seconds) => `Đánh giá sẽ tự gửi sau ${seconds} giây`,
};

const en = {
  languageSwitch: "Tiếng Việt",
  offline: "Connection lost – reconnecting…",
  loading: "Loading…",
  soundPrompt: "Tap here so the phone rings when your turn is near",
  soundOn: "Alerts are on",
  nearTitle: "Your turn is near!",
  nearText: (ahead) => (ahead === 0
    ? "You are next. Please come back to the waiting room."
    : `${ahead} ${ahead === 1 ? "person" : "people"} before you. Please come back to the waiting room.`),
  understood: "OK",
  calledTitle: "Please go to",
  counterName: (number) => `Counter ${number}`,
  yourNumber: "Your number",
  wait: "Estimated wait",
  counters: "Counters",
  statusWaiting: (ahead) => (ahead === 0 ? "You are next"
    : `${ahead} ${ahead === 1 ? "person" : "people"} before you`),
  statusWaitingUnknown: "Waiting for your turn",
  statusCalled: (counter) => `Called to counter ${counter}`,
  statusDone: "Your service is finished. Thank you!",
  statusNoShow: "Your number was passed because you were not there when called. Please ask at a counter.",
  statusCancelled: "This number was cancelled. Please ask at a counter if needed.",
  minutes: (count) => `about ${count} min`,
  hoursMinutes: (hours, minutes) => (minutes ? `about ${hours} h ${minutes} min` : `about ${hours} h`),
  soon: "very soon",
  updated: (time) => `Updated at ${time}`,
  privacy: "This page neither asks for nor shows any personal data.",
  ratingTitle: "How satisfied are you with the service?",
  levels: { 5: "Very satisfied", 4: "Satisfied", 3: "Neutral", 2: "Dissatisfied", 1: "Very dissatisfied" },
  reasonsTitle: "What was not good? (choose any)",
  reasons: {
    officer_attitude: "Officer's attitude",
    waiting_time: "Long wait",
    procedure_unclear: "Procedure unclear",
    asked_to_come_back: "Asked to come back",
    facilities: "Facilities",
    other: "Other",
  },
  commentLabel: "Comment (optional)",
  visitsTitle: "How many times have you come for this matter?",
  visits: { first: "First time", second: "Second time", three_or_more: "Three or more" },
  send: "Send",
  sending: "Sending…",
  thanks: "Thank you for your rating!",
  alreadyRated: "This number has already been rated. Thank you!",
  sendFailed: "Could not send. Please try again.",
  tooMany: "Too many tries. Please try again in a few minutes.",
  unpairedTitle: "This rating tablet is not activated",
  unpairedText: "Please tell the administrator.",
  unpairedHelp: "Administrator: open this page once with the device token (…?token=TOKEN), made with “queue-server device add … --kind rating”.",
  idleText: "After your service, please rate it here.",
  ratingFor: "Rating for number",
  countdown: (seconds) => `Closing in ${seconds} s`,
  sendCountdown: (seconds) => `Your rating will be sent in ${seconds} s`,
};

export const STRINGS = { vi, en };
export const LANGUAGE_KEY = "queue.language";

// The remembered language, Vietnamese unless English was chosen on this device.
export function savedLanguage() {
  try { return localStorage.getItem(LANGUAGE_KEY) === "en" ? "en" : "vi"; } catch { return "vi"; }
}

export function saveLanguage(language) {
  try { localStorage.setItem(LANGUAGE_KEY, language); } catch { /* kept for this page only */ }
}

// Fill every [data-text] element and the language button.
export function applyTexts(language) {
  const strings = STRINGS[language];
  document.documentElement.lang = language;
  for (const element of document.querySelectorAll("[data-text]")) {
    const value = strings[element.dataset.text];
    if (typeof value === "string") element.textContent = value;
  }
  const switcher = document.getElementById("language");
  if (switcher) {
    switcher.textContent = strings.languageSwitch;
    switcher.lang = language === "vi" ? "en" : "vi";
  }
}

// "khoảng 25 phút", "sắp được gọi"; null when there is no estimate.
export function waitText(strings, seconds) {
  if (seconds === null || seconds === undefined) return null;
  if (seconds < 60) return strings.soon;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? strings.minutes(minutes)
    : strings.hoursMinutes(Math.floor(minutes / 60), minutes % 60);
}
