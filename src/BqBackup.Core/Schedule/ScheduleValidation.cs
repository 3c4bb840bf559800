using System;
using System.Linq;
using System.Text.RegularExpressions;

namespace BqBackup.Schedule
{
    /// <summary>Everything a schedule needs before any text is made; each check throws the first problem it finds.</summary>
    public static class ScheduleValidation
    {
        private static readonly Regex NamePattern = new Regex("^[A-Za-z0-9_-]{1,100}$", RegexOptions.CultureInvariant);
        // systemd's User= takes a user name as useradd makes them, or a numeric id.
        private static readonly Regex UnixUserPattern = new Regex(@"^(?:[A-Za-z_][A-Za-z0-9_.-]{0,31}\$?|[0-9]{1,10})$", RegexOptions.CultureInvariant);

        private static readonly string[] SignedUrlParameters =
            { "x-amz-credential", "x-amz-signature", "x-amz-security-token", "awsaccesskeyid", "signature=" };

        public static void ValidateName(string name)
        {
            if (name == null || !NamePattern.IsMatch(name))
                throw new BqBackupException(ErrorIds.InvalidScheduleName, BqErrorCategory.InvalidArgument,
                    $"'{name}' is not a schedule name: use 1 to 100 letters, digits, '_' or '-'.", name,
                    "Pick a name such as 'bqbackup' or 'bqbackup-prod'; it names the systemd units (<name>.service, <name>.timer) or the Windows task.");
        }

        /// <summary>Whole minutes from 1 minute to 31 days, which every scheduler can run (cron refuses more in its own check).</summary>
        public static void ValidateInterval(TimeSpan interval)
        {
            if (!ScheduleInterval.IsValid(interval))
                throw new BqBackupException(ErrorIds.InvalidInterval, BqErrorCategory.InvalidArgument,
                    $"-Interval {ScheduleInterval.Describe(interval)} is not a whole number of minutes between 1 minute and 31 days.", interval,
                    "Give a TimeSpan such as (New-TimeSpan -Hours 6) or '06:00:00'; a bare number is read as ticks.");
        }

        /// <summary>The common rules, then what only <paramref name="scheduler"/> refuses.</summary>
        public static void Validate(ScheduleSettings s, IScheduler scheduler)
        {
            if (s == null) throw new ArgumentNullException(nameof(s));
            if (scheduler == null) throw new ArgumentNullException(nameof(scheduler));
            ValidateName(s.Name);
            ValidateInterval(s.Interval);

            // Anything that looks like a credential would end up in a world-readable unit file or
            // in the task's arguments: refuse, and say where secrets go instead.
            RefuseSecret("Destination", s.Destination);
            RefuseSecret("EndpointUrl", s.EndpointUrl);
            RefuseSecret("CopyTo", s.CopyTo);
            RefuseSecret("CopyToEndpointUrl", s.CopyToEndpointUrl);
            foreach (var recipient in s.Recipients ?? new string[0]) RefuseIdentity("Recipient", recipient);

            foreach (var (parameter, value) in new[]
            {
                ("Name", s.Name), ("Path", s.DatabasePath), ("Destination", s.Destination),
                ("EnvironmentFile", s.EnvironmentFile), ("ProfileName", s.ProfileName),
                ("EndpointUrl", s.EndpointUrl), ("Region", s.Region), ("User", s.User),
                ("ModulePath", s.ModulePath), ("CopyTo", s.CopyTo), ("CopyToEndpointUrl", s.CopyToEndpointUrl),
                ("CopyToRegion", s.CopyToRegion), ("CopyToProfileName", s.CopyToProfileName),
            }.Concat((s.Executable ?? new string[0]).Select(e => ("Executable", e)))
             .Concat((s.Recipients ?? new string[0]).Select(r => ("Recipient", r)))
             .Concat((s.RecipientFiles ?? new string[0]).Select(f => ("RecipientFile", f))))
            {
                if (value != null && value.Any(c => c < ' ' || c == '\x7f'))
                    throw Setting(parameter, $"-{parameter} contains a control character (a line break, a tab), which no unit file, crontab line or task can hold.",
                        $"Give -{parameter} without control characters.");
            }

            if (s.Executable == null || s.Executable.Count == 0 || s.Executable.Any(e => !IsAbsolute(e)))
                throw Setting("Executable", "The pwsh to run is not known as an absolute path.", "Run Register-BqBackupSchedule from pwsh itself.");
            if (!IsAbsolute(s.ModulePath))
                throw Setting("ModulePath", $"The module path '{s.ModulePath}' is not absolute.", "Import BqBackup from its folder, then register.");
            if (s.EnvironmentFile != null && !IsAbsolute(s.EnvironmentFile))
                throw Setting("EnvironmentFile", $"-EnvironmentFile '{s.EnvironmentFile}' is not an absolute path.", "Give the environment file's absolute path.");

            if (s.DatabasePath == null && s.EnvironmentFile == null)
                throw new BqBackupException(ErrorIds.DatabasePathRequired, BqErrorCategory.InvalidArgument,
                    "No -Path was given and no -EnvironmentFile that could set BUNQUEUE_DATA_PATH.", null,
                    "Pass -Path with bunqueue's database file, or -EnvironmentFile with a file that sets BUNQUEUE_DATA_PATH.");
            if (s.DatabasePath != null && !IsAbsolute(s.DatabasePath))
                throw Setting("Path", $"-Path '{s.DatabasePath}' is not absolute.", "Give the database's absolute path.");
            if (s.CopyTo != null && !Storage.BackupStores.IsS3(s.CopyTo) && !IsAbsolute(s.CopyTo))
                throw Setting("CopyTo", $"-CopyTo '{s.CopyTo}' is neither an s3:// URL nor an absolute folder.", "Give the copy target as s3://bucket/prefix/ or an absolute folder.");
            if (string.IsNullOrEmpty(s.Destination) && s.EnvironmentFile == null)
                throw new BqBackupException(ErrorIds.DestinationRequired, BqErrorCategory.InvalidArgument,
                    "No -Destination was given and no -EnvironmentFile that could set S3_BUCKET.", null,
                    "Pass -Destination with a folder or s3://bucket/prefix, or -EnvironmentFile with a file that sets S3_BUCKET.");

            if (s.Retention != null && s.Retention.HasRule) s.Retention.Validate();
            ValidateEncryption(s);
            // A lock on a folder would fail every run; a destination from the environment file is S3.
            if (s.ObjectLock != null && !string.IsNullOrEmpty(s.Destination) && !s.Destination.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
                throw new BqBackupException(ErrorIds.InvalidLockSetting, BqErrorCategory.InvalidArgument,
                    $"-LockMode needs an S3 bucket with Object Lock; '{s.Destination}' is a folder, which cannot lock files.", s.Destination,
                    "Give an s3:// -Destination whose bucket has Object Lock, or leave out -LockMode.");

            if (s.CopyToObjectLock != null && (s.CopyTo == null || !Storage.BackupStores.IsS3(s.CopyTo)))
                throw new BqBackupException(ErrorIds.InvalidLockSetting, BqErrorCategory.InvalidArgument,
                    s.CopyTo == null ? "-CopyToLockMode needs -CopyTo." : $"-CopyToLockMode needs an S3 bucket with Object Lock; -CopyTo '{s.CopyTo}' is a folder, which cannot lock files.",
                    s.CopyTo, "Give an s3:// -CopyTo whose bucket has Object Lock, or leave out -CopyToLockMode.");

            scheduler.Validate(s);
        }

        /// <summary>
        /// The recipients the job encrypts to: each -Recipient an X25519 age1… key (AgeRecipientInvalid
        /// naming it otherwise), each -RecipientFile absolute and, read now, a file of such keys only
        /// (AgeRecipientInvalid naming the file and line, never a key), so a schedule is not
        /// registered that fails every run. -MinimalMetadata needs recipients, given or from the environment file.
        /// </summary>
        private static void ValidateEncryption(ScheduleSettings s)
        {
            if (s.Recipients != null)
                foreach (var recipient in s.Recipients) Codec.Age.AgeX25519Recipient.Parse(recipient);
            if (s.RecipientFiles != null)
                foreach (var file in s.RecipientFiles)
                {
                    if (!IsAbsolute(file))
                        throw Setting("RecipientFile", $"-RecipientFile '{file}' is not an absolute path.", "Give the recipients file's absolute path.");
                    Codec.Age.AgeKeyFiles.ReadRecipientsFile(file);
                }
            if (s.MinimalMetadata && !s.HasRecipients && s.EnvironmentFile == null)
                throw new BqBackupException(ErrorIds.AgeRecipientRequired, BqErrorCategory.InvalidArgument,
                    "-MinimalMetadata applies only to encrypted backups, and no -Recipient, -RecipientFile or -EnvironmentFile (with BQBACKUP_AGE_RECIPIENTS) was given.", null,
                    "Add -Recipient age1… (public keys), -RecipientFile, or -EnvironmentFile with BQBACKUP_AGE_RECIPIENTS; or drop -MinimalMetadata.");
        }

        /// <summary>
        /// An age identity (AGE-SECRET-KEY-1…) given where a public key belongs: it would be written
        /// into the unit file, crontab or task. SecretOnCommandLine, naming the parameter, never the key.
        /// </summary>
        public static void RefuseIdentity(string parameter, string value)
        {
            if (!Codec.Age.AgeX25519Recipient.IsSecretKey(value)) return;
            throw new BqBackupException(ErrorIds.SecretOnCommandLine, BqErrorCategory.SecurityError,
                $"-{parameter} holds an age secret key (AGE-SECRET-KEY-1…, an identity), not a public key; a schedule would write it into its unit file, crontab or task arguments, which other users can read.",
                parameter,
                "Give the public key instead (age-keygen -y identity.txt prints it, age1…); keep the identity off the backup host, on the machine that restores.");
        }

        /// <summary>For the Unix schedulers: a -User that systemd's User= (and su) accept.</summary>
        public static void ValidateUnixUser(string user)
        {
            if (user != null && !UnixUserPattern.IsMatch(user))
                throw Setting("User", $"-User '{user}' is not a user name systemd accepts.", "Give a user name (letters, digits, '_', '.', '-') or a numeric uid.");
        }

        /// <summary>InvalidScheduleSetting, naming the parameter (never its value, which may be long or private) as the target.</summary>
        internal static BqBackupException Setting(string parameter, string message, string action) =>
            new BqBackupException(ErrorIds.InvalidScheduleSetting, BqErrorCategory.InvalidArgument, message, parameter, action);

        /// <summary>URLs with user:password@ or a pre-signed query carry a secret; the target is the parameter, never the value.</summary>
        public static void RefuseSecret(string parameter, string value)
        {
            if (string.IsNullOrEmpty(value)) return;
            var scheme = value.IndexOf("://", StringComparison.Ordinal);
            if (scheme < 0) return;
            var start = scheme + 3;
            var end = value.IndexOfAny(new[] { '/', '?', '#' }, start);
            var authority = value.Substring(start, (end < 0 ? value.Length : end) - start);
            var lower = value.ToLowerInvariant();
            if (authority.IndexOf('@') >= 0 || SignedUrlParameters.Any(p => lower.Contains(p)))
                throw new BqBackupException(ErrorIds.SecretOnCommandLine, BqErrorCategory.SecurityError,
                    $"-{parameter} carries credentials (user:secret@ or a signed query); a schedule would write them into its unit file, crontab or task arguments, which other users can read.",
                    parameter,
                    "Give the URL without credentials and put the keys in -EnvironmentFile (S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY; mode 0600) or an AWS profile (-ProfileName).");
        }

        internal static bool IsAbsolute(string path) =>
            !string.IsNullOrEmpty(path) &&
            (path[0] == '/' || path.StartsWith(@"\\", StringComparison.Ordinal) ||
             (path.Length >= 3 && char.IsLetter(path[0]) && path[1] == ':' && (path[2] == '\\' || path[2] == '/')));
    }
}
