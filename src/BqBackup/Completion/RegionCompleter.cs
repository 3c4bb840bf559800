using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using BqBackup.Storage.S3;

namespace BqBackup.Completion
{
    /// <summary>Completes -Region with the regions the AWS SDK knows (us-east-1 …), each with its display name. Never throws.</summary>
    public sealed class RegionCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                var word = CompletionSupport.Unquote(wordToComplete);
                return S3Regions.All()
                    .Where(r => r.Key.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                    .Select(r => new CompletionResult(r.Key, r.Key, CompletionResultType.ParameterValue, $"{r.Key}: {r.Value}"))
                    .ToList();
            }
            catch (Exception)
            {
                return CompletionSupport.Nothing;
            }
        }
    }
}
