import ArgumentParser

/// `--scope-description SCOPE=TEXT` of `tessera apis add|update`: the text after the first `=`
/// describes the scope before it (a scope token may itself hold no `=` to be described here).
enum ScopeDescriptionOption {
    static func parse(_ values: [String]) throws -> [String: String] {
        var descriptions: [String: String] = [:]
        for value in values {
            guard let equals = value.firstIndex(of: "="), equals != value.startIndex else {
                throw ValidationError("--scope-description takes SCOPE=TEXT, e.g. 'read:orders=Read your orders'")
            }
            let scope = String(value[..<equals])
            guard descriptions.updateValue(String(value[value.index(after: equals)...]), forKey: scope) == nil else {
                throw ValidationError("--scope-description gives '\(scope)' twice")
            }
        }
        return descriptions
    }
}
