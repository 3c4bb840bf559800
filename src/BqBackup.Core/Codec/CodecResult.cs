using System;
using System.IO;
using System.IO.Compression;
using System.Security.Cryptography;

namespace BqBackup.Codec
{
    /// <summary>What one pass over a database's bytes learned: its length and SHA-256.</summary>
    internal sealed class CodecResult
    {
        public long RawBytes { get; set; }
        public long EncodedBytes { get; set; }
        public string Sha256 { get; set; }
        public bool WasCompressed { get; set; }
        /// <summary>The body was age-encrypted and every chunk authenticated as it was decrypted.</summary>
        public bool Decrypted { get; set; }
        /// <summary>Where the gzip body's blocks start (a backup we compressed); null otherwise.</summary>
        public GzipBlockIndex BlockIndex { get; set; }
        /// <summary>The body was inflated block by block on every core, by its index.</summary>
        public bool InflatedInParallel { get; set; }
    }
}
