import Foundation

/// The provider's logout confirmation page: where its form posts and the hidden fields it carries.
struct LogoutConfirmation {
    let action: String
    let fields: [(String, String)]

    init?(html: String) {
        guard html.contains(#"id="logout-submit""#),
              let form = html.range(of: #"<form method="post" action=""#),
              let end = html[form.upperBound...].firstIndex(of: "\"")
        else { return nil }
        self.action = htmlUnescape(String(html[form.upperBound..<end]))
        let pattern = try! NSRegularExpression(pattern: #"<input type="hidden" name="([^"]*)" value="([^"]*)">"#)
        let text = html as NSString
        self.fields = pattern.matches(in: html, range: NSRange(location: 0, length: text.length)).map {
            (htmlUnescape(text.substring(with: $0.range(at: 1))), htmlUnescape(text.substring(with: $0.range(at: 2))))
        }
    }

    func field(_ name: String) -> String? { fields.first { $0.0 == name }?.1 }
}
