import Foundation
import TesseraCore

/// The auto-submitting form of a `response_mode=form_post` answer, as a browser would read it:
/// where it posts and the hidden fields it carries.
struct FormPostPage {
    let action: String
    let fields: [String: String]

    init?(html: String) {
        guard let formTag = html.range(of: #"<form method="post" action=""#) else { return nil }
        let afterAction = html[formTag.upperBound...]
        guard let end = afterAction.firstIndex(of: "\"") else { return nil }
        action = htmlUnescape(String(afterAction[..<end]))
        var fields: [String: String] = [:]
        var rest = afterAction[...]
        while let input = rest.range(of: #"<input type="hidden" name=""#) {
            let nameStart = rest[input.upperBound...]
            guard let nameEnd = nameStart.firstIndex(of: "\""),
                  let valueMarker = nameStart.range(of: #" value=""#) else { return nil }
            let valueStart = nameStart[valueMarker.upperBound...]
            guard let valueEnd = valueStart.firstIndex(of: "\"") else { return nil }
            fields[htmlUnescape(String(nameStart[..<nameEnd]))] = htmlUnescape(String(valueStart[..<valueEnd]))
            rest = valueStart[valueEnd...]
        }
        self.fields = fields
    }
}

/// The claims of an id_token's payload as JSON, for claims ``ReceivedIDToken`` does not name.
/// Call only on a token whose signature a test has verified.
func idTokenPayload(_ idToken: String) -> [String: Any] {
    let parts = idToken.split(separator: ".")
    guard parts.count == 3, let bytes = Base64URL.decode(String(parts[1])),
          let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return [:] }
    return object
}
