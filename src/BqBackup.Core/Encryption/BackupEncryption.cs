using System;
using System.Collections.Generic;
using System.Linq;
using System.Security;
using BqBackup.Codec.Age;
using BqBackup.Storage;

namespace BqBackup.Encryption
{
    /// <summary>
    /// Whom a backup is encrypted to: X25519 recipients (public keys, age1…) or one passphrase
    /// (an scrypt recipient at age's default work factor). Holds no secret but the passphrase, which
    /// Dispose zeroes. The recipients' public names are what the sidecar records.
    /// </summary>
    public sealed class BackupEncryption : IDisposable
    {
        /// <summary>How the sidecar names a passphrase recipient.</summary>
        public const string PassphraseName = AgeScryptRecipient.StanzaTypeName;

        private BackupEncryption(IReadOnlyList<AgeRecipient> recipients, string source)
        {
            Recipients = recipients;
            Source = source;
            RecipientNames = recipients.Select(r => r is AgeX25519Recipient x ? x.ToString() : PassphraseName).ToArray();
        }

        public IReadOnlyList<AgeRecipient> Recipients { get; }

        /// <summary>The public names: age1… for each X25519 recipient, "scrypt" for a passphrase.</summary>
        public IReadOnlyList<string> RecipientNames { get; }

        /// <summary>Where the recipients came from (parameters, or the environment variable's name): for verbose output.</summary>
        public string Source { get; }

        /// <summary>
        /// The recipients given as parameters, else those the environment names
        /// (<see cref="EncryptionEnvironment.Recipients"/>, <see cref="EncryptionEnvironment.RecipientsFile"/>);
        /// null when neither asks for encryption (a plain backup). Recipients are deduplicated.
        /// </summary>
        public static BackupEncryption Resolve(IEnumerable<string> recipients, IEnumerable<string> recipientFiles, SecureString passphrase, IEnvironment env)
        {
            var given = recipients?.Where(r => r != null).ToList() ?? new List<string>();
            var files = recipientFiles?.Where(f => f != null).ToList() ?? new List<string>();
            var source = "parameters";
            if (given.Count == 0 && files.Count == 0 && passphrase == null && env != null)
            {
                var fromEnv = env.Get(EncryptionEnvironment.Recipients);
                var fileFromEnv = env.Get(EncryptionEnvironment.RecipientsFile);
                if (!string.IsNullOrWhiteSpace(fromEnv)) given.AddRange(Split(fromEnv));
                if (!string.IsNullOrWhiteSpace(fileFromEnv)) files.Add(fileFromEnv.Trim());
                source = string.Join(" and ", new[] { string.IsNullOrWhiteSpace(fromEnv) ? null : EncryptionEnvironment.Recipients,
                    string.IsNullOrWhiteSpace(fileFromEnv) ? null : EncryptionEnvironment.RecipientsFile }.Where(s => s != null));
            }
            if (given.Count == 0 && files.Count == 0 && passphrase == null) return null;

            var list = new List<AgeX25519Recipient>();
            foreach (var r in given)
            {
                // Parse names the string when it is public, never when it is a secret key given by mistake.
                list.Add(AgeX25519Recipient.Parse(r));
            }
            foreach (var f in files) list.AddRange(AgeKeyFiles.ReadRecipientsFile(f));
            list = list.Distinct().ToList();

            if (passphrase != null)
            {
                if (list.Count > 0)
                    throw new BqBackupException(ErrorIds.AgeRecipientInvalid, BqErrorCategory.InvalidArgument,
                        "-Passphrase cannot be combined with -Recipient or -RecipientFile: age allows a passphrase only as a file's sole recipient.", null,
                        "Use either recipients (age1…, several allowed) or one passphrase.");
                return new BackupEncryption(new AgeRecipient[] { new AgeScryptRecipient(passphrase) }, source);
            }
            return new BackupEncryption(list.ToArray(), source);
        }

        /// <summary>Splits a list of recipients on commas and whitespace.</summary>
        internal static IEnumerable<string> Split(string text) =>
            text.Split(new[] { ',', ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries);

        /// <summary>For verbose output: "2 recipients (age1…, age1…) from parameters".</summary>
        public string Describe() =>
            $"{RecipientNames.Count} {(RecipientNames.Count == 1 ? "recipient" : "recipients")} ({string.Join(", ", RecipientNames)}) from {Source}";

        public void Dispose()
        {
            foreach (var r in Recipients) r.Dispose();
        }
    }
}
