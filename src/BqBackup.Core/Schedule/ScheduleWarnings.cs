using System;
using System.Collections.Generic;
using System.IO;
using BqBackup.Storage;

namespace BqBackup.Schedule
{
    /// <summary>What is worth saying about valid settings before they are scheduled: things that will make the job fail or leak later.</summary>
    public static class ScheduleWarnings
    {
        /// <summary>
        /// The warnings for these settings. A missing environment file is not a warning but
        /// EnvironmentFileNotFound (systemd would refuse to start the job). <paramref name="session"/>
        /// is only asked whether it holds S3 credentials, which a schedule never copies.
        /// </summary>
        public static IList<string> Of(ScheduleSettings settings, IEnvironment session)
        {
            var warnings = new List<string>();
            if (settings.EnvironmentFile != null)
            {
                var warning = ScheduleFiles.CheckEnvironmentFile(settings.EnvironmentFile);
                if (warning != null) warnings.Add(warning);
            }
            if (settings.DatabasePath != null && !File.Exists(settings.DatabasePath))
                warnings.Add($"'{settings.DatabasePath}' does not exist yet; each run will fail until it does.");
            var s3 = settings.Destination == null || BackupStores.IsS3(settings.Destination);
            if (s3 && settings.EnvironmentFile == null && settings.ProfileName == null &&
                session.First("S3_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY") != null)
                warnings.Add("This session has S3 credentials in its environment, but the schedule never copies them: put them in -EnvironmentFile or use -ProfileName, or the job will use the machine's default credentials.");
            return warnings;
        }
    }
}
