/// The one version of this source tree: `mammon --version`, `mammon_build_info` and the socket's hello
/// all say it. The `VERSION` file at the repository's root holds the same text (a test keeps them
/// equal); CHANGELOG.md says what each version changed.
public enum MammonVersion {
    public static let current = "0.3.0"
}
