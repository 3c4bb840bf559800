using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;
using BqBackup.Storage;

namespace BqBackup.Completion
{
    /// <summary>
    /// Completes -Destination: the s3:// destination bunqueue's own environment names
    /// (S3_BUCKET, or AWS_BUCKET, with S3_BACKUP_PREFIX, default backups/), then the folders that
    /// match what was typed. Never throws; nothing to offer completes nothing.
    /// </summary>
    internal sealed class DestinationCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var results = new List<CompletionResult>();
            var word = CompletionSupport.Unquote(wordToComplete);
            try
            {
                var fromEnvironment = EnvironmentDestination(ProcessEnvironment.Instance);
                if (fromEnvironment != null && fromEnvironment.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                    results.Add(new CompletionResult(CompletionSupport.Quote(fromEnvironment), fromEnvironment, CompletionResultType.ParameterValue,
                        $"{fromEnvironment}: bunqueue's S3 backup destination (S3_BUCKET and S3_BACKUP_PREFIX)"));
            }
            catch (Exception)
            {
                // An unparsable S3_BUCKET offers nothing.
            }

            if (word.IndexOf("://", StringComparison.Ordinal) < 0 && !word.StartsWith("s3:", StringComparison.OrdinalIgnoreCase))
            {
                try
                {
                    foreach (var r in CompletionCompleters.CompleteFilename(wordToComplete ?? string.Empty))
                        if (r.ResultType == CompletionResultType.ProviderContainer) results.Add(r);
                }
                catch (Exception)
                {
                    // Folder completion is a courtesy; failing it completes the rest.
                }
            }
            return results;
        }

        /// <summary>s3://$S3_BUCKET/$S3_BACKUP_PREFIX as the cmdlets would use it; null when S3_BUCKET is not set.</summary>
        public static string EnvironmentDestination(IEnvironment env)
        {
            if (env.First("S3_BUCKET", "AWS_BUCKET") == null) return null;
            return Storage.S3.S3Destination.Parse(BackupStores.ResolveDestination(null, env)).ToString();
        }
    }
}
