using System;
using System.Linq;
using BqBackup.Codec.Age;
using BqBackup.Restore;
using BqBackup.Storage;

namespace BqBackup.Encryption
{
    /// <summary>
    /// What Test-BqBackup checks of an encrypted backup without a key: the stored size against the
    /// sidecar, that the age header parses, its stanza types against the recipients the sidecar
    /// records. The contents are not verified, and the result says so (NotVerified).
    /// </summary>
    internal static class EncryptedBodyInspector
    {
        /// <summary>Failures of the body itself, which Test-BqBackup reports as reasons (anything else, such as an unreadable identity file, stops it).</summary>
        public static bool IsBodyFailure(string errorId) =>
            errorId == ErrorIds.BackupCorrupt || errorId == ErrorIds.BackupNotFound ||
            errorId == ErrorIds.AgeHeaderInvalid || errorId == ErrorIds.AgeArmorNotSupported || errorId == ErrorIds.AgeHeaderMacMismatch ||
            errorId == ErrorIds.AgeNoMatchingIdentity || errorId == ErrorIds.AgeBodyTampered || errorId == ErrorIds.AgeBodyTruncated ||
            errorId == ErrorIds.AgeTrailingData || errorId == ErrorIds.AgePassphraseWorkFactorTooHigh;

        public static void Inspect(BackupInfo backup, IBackupStore store, BackupTestResult result, OperationContext ctx)
        {
            result.Encrypted = true;
            if (backup.MetadataRecordsEncryption && backup.ExpectedSize.HasValue && backup.ExpectedSize.Value != backup.Size)
                result.Fail(new BqBackupException(ErrorIds.SizeMismatch, BqErrorCategory.InvalidData,
                    $"The backup '{backup.Name}' holds {backup.Size:N0} bytes but its metadata records {backup.ExpectedSize.Value:N0}: it was altered or cut short.",
                    backup.Name, "Use an older backup; this one cannot be trusted."));

            AgeHeader header;
            try
            {
                using (var body = store.OpenBody(backup, ctx.Cancellation))
                    header = AgeHeader.Read(body, backup.Name);
            }
            catch (BqBackupException e) when (IsBodyFailure(e.ErrorId))
            {
                result.Fail(e);
                return;
            }
            ctx.WriteVerbose($"'{backup.Name}': age header read without a key: {header.Describe()}.");

            var recorded = backup.Recipients;
            if (recorded != null && recorded.Count > 0)
            {
                var scrypt = recorded.Count(r => r == BackupEncryption.PassphraseName);
                var x25519 = recorded.Count - scrypt;
                if (header.CountOf(AgeScryptRecipient.StanzaTypeName) != scrypt || header.CountOf(AgeX25519Recipient.StanzaTypeName) != x25519 ||
                    header.Stanzas.Count != recorded.Count)
                    result.Reasons.Add($"its age header has {header.Describe()}, but its sidecar records {recorded.Count} {(recorded.Count == 1 ? "recipient" : "recipients")} ({string.Join(", ", recorded)})");
            }
            if (result.Reasons.Count == 0)
                ctx.WriteWarning($"The backup '{backup.Name}' is encrypted and no identity was given: its size and age header check out, but its contents were NOT verified " +
                    $"(no decryption, checksum, integrity_check or counts). Pass -IdentityFile or -Passphrase, or set {EncryptionEnvironment.IdentityFile}, to verify them.");
        }
    }
}
