import Foundation
import Testing

/// A real browser clicks through `tessera demo`: Tests/browser/demo_browser_test.py drives Debian's
/// headless Chromium with Selenium (scripts/test installs both). Outside CI a machine without them
/// skips this test, saying so; with CI=true it always runs, so a missing browser fails it.
@Suite("tessera demo in a real browser")
struct DemoBrowserTests {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("browser/demo_browser_test.py")

    static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// Whether Chromium, its driver and Selenium are installed.
    static let browserInstalled: Bool = {
        let files = ["/usr/bin/chromedriver"].allSatisfy(FileManager.default.isExecutableFile(atPath:))
            && ["/usr/bin/chromium", "/usr/bin/chromium-browser"].contains(where: FileManager.default.isExecutableFile(atPath:))
        guard files else { return false }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import selenium"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }()

    @Test("home → login → the provider's login page → dashboard with the email and the protected API's answer → logout → dashboard refused, with no page error",
          .enabled(if: inCI || browserInstalled, "skipped: chromium, chromium-driver or selenium is missing (scripts/test installs them; CI=true always runs this)"))
    func clickThroughInChromium() async throws {
        try await withTemporaryDirectory { directory in
            let demo = try await DemoProcess.start(directory: directory)
            let run = try await TesseraBinary.run(
                ["python3", Self.script.path, "--app", demo.appURL, "--provider", demo.providerURL,
                 "--email", demo.email, "--password", demo.password],
                executable: URL(fileURLWithPath: "/usr/bin/env"))
            #expect(run.status == 0, "the browser test failed:\n\(run.stdout)\n\(run.stderr)")
            #expect(run.stdout.contains("passed: "), "\(run.stdout)\n\(run.stderr)")
            #expect(await demo.process.terminate() == 0, "\(demo.process.text)")
        }
    }
}
