/// The version of Vigil.
public enum VigilVersion {
    public static let current = "0.1.0"
}
