using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using BqBackup.Storage;
using BqBackup.Storage.S3;

namespace BqBackup.Completion
{
    /// <summary>
    /// Completes -ProfileName with the profiles of the shared AWS credentials and config files (or
    /// of the -ProfileLocation already typed). Only the names are read, never a key. Never throws.
    /// </summary>
    public sealed class ProfileNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                var word = CompletionSupport.Unquote(wordToComplete);
                var location = CompletionSupport.BoundString(fakeBoundParameters, "ProfileLocation");
                if (location != null) location = CompletionSupport.FileSystemPath(location);
                return AwsProfileNames.List(location, ProcessEnvironment.Instance)
                    .Where(n => n.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                    .Select(n => new CompletionResult(CompletionSupport.Quote(n), n, CompletionResultType.ParameterValue,
                        $"{n}: AWS profile{(location != null ? " in " + location : "")}"))
                    .ToList();
            }
            catch (Exception)
            {
                return CompletionSupport.Nothing;
            }
        }
    }
}
