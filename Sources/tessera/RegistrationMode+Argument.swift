public import ArgumentParser
public import TesseraServer

/// `serve --registration off|open|token`: any other value is refused by the parser with the
/// three that are valid.
extension RegistrationMode: ExpressibleByArgument {}
