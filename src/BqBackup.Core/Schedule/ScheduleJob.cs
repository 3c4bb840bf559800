using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace BqBackup.Schedule
{
    /// <summary>
    /// The job every scheduler runs: one pwsh command line, pwsh -NoProfile -NonInteractive
    /// -Command "script", where the script imports the module by its absolute path and runs
    /// New-BqBackup (with the store settings, and the age recipients it encrypts to), then
    /// Remove-BqBackupExpired if the backup succeeded (then, with -CopyTo, Copy-BqBackup -Missing), with
    /// $ErrorActionPreference = 'Stop' so that any failure exits non-zero. Pure functions: no file,
    /// no process, no environment variable is read here, so no secret can leak in from the session.
    /// </summary>
    public static class ScheduleJob
    {
        /// <summary>
        /// How to start the pwsh that is running now: under `dotnet pwsh` the process is the dotnet
        /// host, so the job runs `dotnet PSHOME/pwsh.dll`; pwsh and Windows PowerShell run as
        /// themselves; any other host falls back to PSHOME's pwsh.
        /// </summary>
        public static IList<string> PwshExecutable(string processPath, string psHome, bool windows)
        {
            var leaf = LeafWithoutExtension(processPath ?? string.Empty);
            if (leaf.Equals("dotnet", StringComparison.OrdinalIgnoreCase))
                return new[] { processPath, JoinPath(psHome, "pwsh.dll") };
            if (leaf.StartsWith("pwsh", StringComparison.OrdinalIgnoreCase) || leaf.Equals("powershell", StringComparison.OrdinalIgnoreCase))
                return new[] { processPath };
            return new[] { JoinPath(psHome, windows ? "pwsh.exe" : "pwsh") };
        }

        private static string LeafWithoutExtension(string path)
        {
            var leaf = path.Substring(Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\')) + 1);
            var dot = leaf.LastIndexOf('.');
            return dot > 0 ? leaf.Substring(0, dot) : leaf;
        }

        private static string JoinPath(string folder, string leaf)
        {
            folder = folder ?? string.Empty;
            var separator = folder.IndexOf('\\') >= 0 && folder.IndexOf('/') < 0 ? '\\' : '/';
            return folder.TrimEnd('/', '\\') + separator + leaf;
        }

        /// <summary>The PowerShell the job runs (the argument of -Command).</summary>
        public static string PowerShellScript(ScheduleSettings s, bool windows)
        {
            string Q(string value) => Quoting.PowerShell(value, windows);
            var store = new StringBuilder();
            if (!string.IsNullOrEmpty(s.Destination)) store.Append(" -Destination ").Append(Q(s.Destination));
            if (!string.IsNullOrEmpty(s.EndpointUrl)) store.Append(" -EndpointUrl ").Append(Q(s.EndpointUrl));
            if (!string.IsNullOrEmpty(s.Region)) store.Append(" -Region ").Append(Q(s.Region));
            if (!string.IsNullOrEmpty(s.ProfileName)) store.Append(" -ProfileName ").Append(Q(s.ProfileName));

            var b = new StringBuilder();
            b.Append("$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue'; ");
            // Task Scheduler has no EnvironmentFile=: the job reads the KEY=value lines itself.
            if (windows && s.EnvironmentFile != null)
                b.Append("foreach ($line in Get-Content -LiteralPath ").Append(Q(s.EnvironmentFile))
                 .Append(") { if ($line -match '^\\s*(export\\s+)?([A-Za-z_][A-Za-z0-9_]*)\\s*=(.*)$') { $v = $Matches[3].Trim(); ")
                 .Append("if ($v.Length -ge 2 -and $v[0] -eq $v[-1] -and ([char]34, [char]39) -contains $v[0]) { $v = $v.Substring(1, $v.Length - 2) }; ")
                 .Append("[Environment]::SetEnvironmentVariable($Matches[2], $v) } }; ");
            b.Append("Import-Module ").Append(Q(s.ModulePath)).Append("; ");
            b.Append("New-BqBackup");
            if (s.DatabasePath != null) b.Append(" -Path ").Append(Q(s.DatabasePath));
            b.Append(store);
            // Public keys and the paths of files of them: what encrypts, never what decrypts.
            if (s.Recipients != null && s.Recipients.Count > 0) b.Append(" -Recipient ").Append(string.Join(",", s.Recipients.Select(Q)));
            if (s.RecipientFiles != null && s.RecipientFiles.Count > 0) b.Append(" -RecipientFile ").Append(string.Join(",", s.RecipientFiles.Select(Q)));
            if (s.MinimalMetadata) b.Append(" -MinimalMetadata");
            // Days, never a date: every run locks its own backup for as long from when it is taken.
            if (s.ObjectLock?.Days != null) b.Append(" -LockMode ").Append(s.ObjectLock.Mode).Append(" -LockDays ").Append(s.ObjectLock.Days.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (s.Compression.HasValue) b.Append(" -Compression ").Append(s.Compression.Value);
            b.Append("; ");
            b.Append("if ($?) { Remove-BqBackupExpired");
            if (s.Retention != null && s.Retention.HasRule) b.Append(' ').Append(s.Retention);
            b.Append(store);
            // The mirror step: every backup the copy target lacks, the primary's settings as the source's (-From…).
            if (!string.IsNullOrEmpty(s.CopyTo))
            {
                // A primary whose endpoint only S3_ENDPOINT names would otherwise be reached at the copy
                // target's -EndpointUrl (the source falls back to the target's settings): pass it as the source's.
                var endpointFromEnvironment = string.IsNullOrEmpty(s.EndpointUrl) && !string.IsNullOrEmpty(s.CopyToEndpointUrl)
                    && (string.IsNullOrEmpty(s.Destination) || Storage.BackupStores.IsS3(s.Destination));
                if (endpointFromEnvironment) b.Append("; $copyFrom = @{}; if ($env:S3_ENDPOINT) { $copyFrom['FromEndpointUrl'] = $env:S3_ENDPOINT }");
                b.Append("; Copy-BqBackup");
                if (!string.IsNullOrEmpty(s.Destination)) b.Append(" -From ").Append(Q(s.Destination));
                b.Append(" -To ").Append(Q(s.CopyTo)).Append(" -Missing");
                if (!string.IsNullOrEmpty(s.CopyToEndpointUrl)) b.Append(" -EndpointUrl ").Append(Q(s.CopyToEndpointUrl));
                if (!string.IsNullOrEmpty(s.CopyToRegion)) b.Append(" -Region ").Append(Q(s.CopyToRegion));
                if (!string.IsNullOrEmpty(s.CopyToProfileName)) b.Append(" -ProfileName ").Append(Q(s.CopyToProfileName));
                if (s.CopyToObjectLock?.Days != null)
                    b.Append(" -LockMode ").Append(s.CopyToObjectLock.Mode).Append(" -LockDays ").Append(s.CopyToObjectLock.Days.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (!string.IsNullOrEmpty(s.EndpointUrl)) b.Append(" -FromEndpointUrl ").Append(Q(s.EndpointUrl));
                if (!string.IsNullOrEmpty(s.Region)) b.Append(" -FromRegion ").Append(Q(s.Region));
                if (!string.IsNullOrEmpty(s.ProfileName)) b.Append(" -FromProfileName ").Append(Q(s.ProfileName));
                if (endpointFromEnvironment) b.Append(" @copyFrom");
            }
            b.Append(" }");
            return b.ToString();
        }

        /// <summary>The job's argv: pwsh (or dotnet and pwsh.dll), then -NoProfile -NonInteractive -Command script.</summary>
        public static IList<string> Arguments(ScheduleSettings s, bool windows) =>
            s.Executable.Concat(new[] { "-NoProfile", "-NonInteractive", "-Command", PowerShellScript(s, windows) }).ToList();

        /// <summary>
        /// The job as a POSIX sh command line. With an environment file it is sourced first with
        /// `set -a` so every KEY=value in it is exported to pwsh, and the file's secrets stay in
        /// the file.
        /// </summary>
        public static string ShellCommand(ScheduleSettings s, bool sourceEnvironmentFile)
        {
            var command = string.Join(" ", Arguments(s, windows: false).Select(Quoting.Shell));
            return sourceEnvironmentFile && s.EnvironmentFile != null
                ? $"set -a; . {Quoting.Shell(s.EnvironmentFile)}; set +a; {command}"
                : command;
        }
    }
}
