using System;
using System.IO;
using BqBackup.Codec;
using BqBackup.Codec.Age;

namespace BqBackup.Encryption
{
    /// <summary>
    /// The one place a backup body is wrapped for encryption: the compressor writes into
    /// <see cref="Content"/>, which is the upload itself for a plain backup, or an age stage in
    /// front of it (64 KiB chunks sealed as they pass, memory flat) for an encrypted one.
    /// </summary>
    internal sealed class EncryptedBodyWriter : IDisposable
    {
        private readonly CountingStream stored;
        private readonly AgeEncryptingStream age;

        private EncryptedBodyWriter(Stream plain, CountingStream stored, AgeEncryptingStream age)
        {
            Content = plain;
            this.stored = stored;
            this.age = age;
        }

        /// <summary>Where the compressed body is written.</summary>
        public Stream Content { get; }

        public static EncryptedBodyWriter Open(Stream upload, BackupEncryption encryption)
        {
            if (encryption == null) return new EncryptedBodyWriter(upload, null, null);
            var stored = new CountingStream(upload, leaveOpen: true);
            // The header (and scrypt, for a passphrase) happen here, before any byte of the body.
            var age = new AgeEncryptingStream(stored, encryption.Recipients, leaveOpen: true);
            return new EncryptedBodyWriter(age, stored, age);
        }

        /// <summary>Seals the final chunk, and makes <paramref name="encoded"/>'s EncodedBytes the bytes actually stored.</summary>
        public void Finish(CodecResult encoded)
        {
            if (age == null) return;
            age.FlushFinalBlock();
            encoded.EncodedBytes = stored.Count;
        }

        /// <summary>Zeroes the file key. Without <see cref="Finish"/> (an error path) the upload is never committed, so whatever reached it is discarded.</summary>
        public void Dispose()
        {
            if (age == null) return;
            try { age.Dispose(); } catch (Exception) { /* an error path: the upload is discarded anyway */ }
            stored.Dispose();
        }
    }
}
