using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace BqBackup.Storage.S3
{
    /// <summary>
    /// The profile names of the shared AWS credentials and config files, for completing
    /// -ProfileName. Only the [section] headers are read, never a key or a secret.
    /// </summary>
    public static class AwsProfileNames
    {
        /// <summary>
        /// The names in <paramref name="profileLocation"/> when given (a credentials file, as
        /// -ProfileLocation names it); else in AWS_SHARED_CREDENTIALS_FILE (default
        /// ~/.aws/credentials) and AWS_CONFIG_FILE (default ~/.aws/config), each once, sorted.
        /// </summary>
        public static IReadOnlyList<string> List(string profileLocation, IEnvironment env)
        {
            var files = new List<string>();
            if (profileLocation != null) files.Add(profileLocation);
            else
            {
                var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                files.Add(env.First("AWS_SHARED_CREDENTIALS_FILE") ?? Path.Combine(home, ".aws", "credentials"));
                files.Add(env.First("AWS_CONFIG_FILE") ?? Path.Combine(home, ".aws", "config"));
            }
            var names = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var file in files)
                foreach (var name in SectionNames(file)) names.Add(name);
            return names.ToList();
        }

        private static IEnumerable<string> SectionNames(string file)
        {
            string[] lines;
            try
            {
                if (!File.Exists(file)) yield break;
                lines = File.ReadAllLines(file);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                yield break;
            }
            foreach (var raw in lines)
            {
                var line = raw.Trim();
                if (line.Length < 3 || line[0] != '[' || line[line.Length - 1] != ']') continue;
                var name = line.Substring(1, line.Length - 2).Trim();
                // The config file names profiles "[profile name]"; "[sso-session x]" and "[services x]" are not profiles.
                if (name.StartsWith("profile ", StringComparison.Ordinal)) name = name.Substring(8).Trim();
                else if (name.Contains(" ")) continue;
                if (name.Length > 0) yield return name;
            }
        }
    }
}
