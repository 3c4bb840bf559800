using System;

namespace BqBackup.Encryption
{
    /// <summary>
    /// The environment settings of age encryption, for unattended runs (a systemd unit, cron). They
    /// apply only when no encryption parameter is given on the command line.
    /// </summary>
    public static class EncryptionEnvironment
    {
        /// <summary>age1… recipients, separated by commas or whitespace: New-BqBackup encrypts to them.</summary>
        public const string Recipients = "BQBACKUP_AGE_RECIPIENTS";

        /// <summary>A recipients file (one age1… a line, # comments): New-BqBackup encrypts to its recipients too.</summary>
        public const string RecipientsFile = "BQBACKUP_AGE_RECIPIENTS_FILE";

        /// <summary>An identity file (AGE-SECRET-KEY-1…, as age-keygen writes it): Restore-BqBackup and Test-BqBackup decrypt with it.</summary>
        public const string IdentityFile = "BQBACKUP_AGE_IDENTITY_FILE";
    }
}
