using System;
using System.IO;
using System.Linq;
using BqBackup.Codec;
using BqBackup.Codec.Age;

namespace BqBackup.Encryption
{
    /// <summary>
    /// The one place a backup body is unwrapped: an age-encrypted body (sniffed from its first
    /// bytes, or declared by its name or sidecar) is decrypted as it streams, each 64 KiB chunk
    /// released only after its tag verified; a plain body passes through untouched.
    /// </summary>
    internal sealed class EncryptedBodyReader : IDisposable
    {
        private readonly CountingStream stored;
        private readonly Stream prefixed;
        private readonly AgeDecryptingStream age;
        private readonly ReadAheadStream decrypted;

        private EncryptedBodyReader(CountingStream stored, Stream prefixed, AgeDecryptingStream age)
        {
            this.stored = stored;
            this.prefixed = prefixed;
            this.age = age;
            // Decrypting runs on its own thread, a few blocks ahead of the gunzip that reads it, so
            // an encrypted restore costs little more time than a plain one.
            if (age != null) decrypted = new ReadAheadStream(age);
        }

        /// <summary>The gzip (or raw database) bytes of the body.</summary>
        public Stream Content => (Stream)decrypted ?? prefixed;

        public bool IsEncrypted => age != null;

        public static EncryptedBodyReader Open(Stream body, BackupInfo backup, BackupDecryption decryption, OperationContext ctx)
        {
            var stored = new CountingStream(body, leaveOpen: true);
            var head = new byte[AgeHeader.Magic.Length];
            var n = StreamUtil.ReadFully(stored, head, head.Length);
            var prefixed = new PrefixedReadStream(head, n, stored);
            if (!AgeHeader.StartsLikeAge(head, n) && !backup.Encrypted) return new EncryptedBodyReader(stored, prefixed, null);
            if (decryption == null || decryption.Identities.Count == 0) throw IdentityRequired(backup);
            try
            {
                var age = new AgeDecryptingStream(prefixed, decryption.Identities, backup.Name, leaveOpen: true);
                ctx.WriteVerbose($"'{backup.Name}' is age-encrypted ({age.Header.Describe()}); decrypting with the {Describe(age.MatchedIdentity)}, chunks opened by {AgeChunkCipher.Describe(age.CipherBackend)}.");
                return new EncryptedBodyReader(stored, prefixed, age);
            }
            catch (BqBackupException e) when (e.ErrorId == ErrorIds.AgeNoMatchingIdentity)
            {
                var to = backup.Recipients == null || backup.Recipients.Count == 0 ? "" : $"; its sidecar says it is encrypted to {string.Join(", ", backup.Recipients)}";
                throw new BqBackupException(e.ErrorId, e.Category,
                    $"{e.Message} Given: {decryption.Describe()}{to}.", e.TargetObject, e.RecommendedAction, e);
            }
        }

        internal static string Describe(AgeIdentity identity) =>
            identity is AgeX25519Identity x ? $"identity for {x.Recipient}" : "passphrase";

        internal static BqBackupException IdentityRequired(BackupInfo backup) =>
            new BqBackupException(ErrorIds.AgeIdentityRequired, BqErrorCategory.InvalidArgument,
                $"The backup '{backup.Name}' is encrypted with age" +
                (backup.Recipients == null || backup.Recipients.Count == 0 ? "" : $" (to {string.Join(", ", backup.Recipients)})") +
                ", and no identity was given to open it.", backup.Name,
                $"Pass -IdentityFile with the identity file (AGE-SECRET-KEY-1…) of one of its recipients, or -Passphrase, or set {EncryptionEnvironment.IdentityFile}.");

        /// <summary>
        /// After the decompressor is done: reads the age stream on to its end (so a dropped final chunk
        /// or appended bytes fail here, before anything is trusted) and makes EncodedBytes the bytes
        /// stored when the sidecar describes the encrypted body (else it stays the gzip size, which
        /// a sidecar written for the plain body, as beside a body the stock age tool encrypted, describes).
        /// </summary>
        public void Finish(CodecResult decoded, BackupInfo backup, OperationContext ctx)
        {
            if (age == null) return;
            // One read is enough to tell: whatever follows the gzip stream is refused, however long it is, without reading it all.
            var buffer = new byte[1 << 16];
            var extra = decrypted.Read(buffer, 0, buffer.Length);
            if (extra > 0)
                throw new BqBackupException(ErrorIds.BackupCorrupt, BqErrorCategory.InvalidData,
                    $"The backup '{backup.Name}' holds data after its gzip stream, inside the encryption (at least {extra:N0} bytes).", backup.Name,
                    "Restore an older backup (Get-BqBackup lists them); this one cannot be used.");
            ctx.WriteVerbose($"Decrypted '{backup.Name}': {stored.Count:N0} bytes stored, every age chunk authenticated.");
            decoded.Decrypted = true;
            if (backup.MetadataRecordsEncryption) decoded.EncodedBytes = stored.Count;
        }

        public void Dispose()
        {
            decrypted?.Dispose();
            age?.Dispose();
            prefixed.Dispose();
        }
    }
}
