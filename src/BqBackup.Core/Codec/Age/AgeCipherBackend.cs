namespace BqBackup.Codec.Age
{
    /// <summary>Which library seals and opens age's payload chunks (ChaCha20-Poly1305).</summary>
    public enum AgeCipherBackend
    {
        /// <summary>The runtime's System.Security.Cryptography.ChaCha20Poly1305 (OpenSSL on Linux, CNG on Windows); .NET 5 and later.</summary>
        Platform,

        /// <summary>BouncyCastle.Cryptography's ChaCha20Poly1305: everywhere, including Windows PowerShell 5.1.</summary>
        BouncyCastle,
    }
}
