"""Where each response dataclass and each resource function of the package is in the spec.

``test_spec_drift.py`` reads these tables; ``openapi/trim.py`` keeps every schema that
:data:`MODELS` names, so the trimmed document can be regenerated from a newer spec and the
test rerun. This module imports nothing from the package, so that ``trim.py`` can read it.

Names are relative to ``openai_lite``: ``"chat.ChatCompletion"``, ``"chat.create"``.

A schema is named as ``"Schema"`` or ``"Schema/prop/[]/..."``: from the component
``Schema``, each ``prop`` step goes into that property, and each ``[]`` step into the items
of an array (through ``$ref``, ``allOf`` and nullable ``anyOf`` on the way). A schema that
is no component is named by its operation, ``"DELETE /evals/{eval_id}"``: the JSON schema of
its 200 answer. A class whose objects come in several spec variants names all of them, in a
tuple.
"""

from __future__ import annotations

from typing import Dict, Tuple, Union

#: Response dataclass -> its schema (or schemas).
MODELS: Dict[str, Union[str, Tuple[str, ...]]] = {
    # audio
    "audio.Transcription": "CreateTranscriptionResponseJson",
    "audio.TranscriptionVerbose": "CreateTranscriptionResponseVerboseJson",
    "audio.TranscriptionDiarized": "CreateTranscriptionResponseDiarizedJson",
    "audio.TranscriptionSegment": "TranscriptionSegment",
    "audio.TranscriptionDiarizedSegment": "TranscriptionDiarizedSegment",
    "audio.TranscriptionWord": "TranscriptionWord",
    "audio.TranscriptionLanguage": "TranscriptionLanguage",
    "audio.TranscriptionLogprob": "CreateTranscriptionResponseJson/logprobs/[]",
    "audio.TranscriptionUsageTokens": "TranscriptTextUsageTokens",
    "audio.TranscriptionUsageInputDetails": "TranscriptTextUsageTokens/input_token_details",
    "audio.TranscriptionUsageDuration": "TranscriptTextUsageDuration",
    "audio.TranscriptTextDeltaEvent": "TranscriptTextDeltaEvent",
    "audio.TranscriptTextSegmentEvent": "TranscriptTextSegmentEvent",
    "audio.TranscriptTextDoneEvent": "TranscriptTextDoneEvent",
    "audio.SpeechAudioDeltaEvent": "SpeechAudioDeltaEvent",
    "audio.SpeechAudioDoneEvent": "SpeechAudioDoneEvent",
    "audio.SpeechUsage": "SpeechAudioDoneEvent/usage",
    "audio.Translation": "CreateTranslationResponseJson",
    "audio.TranslationVerbose": "CreateTranslationResponseVerboseJson",
    # batches
    "batches.Batch": "Batch",
    "batches.BatchList": "ListBatchesResponse",
    "batches.BatchErrors": "Batch/errors",
    "batches.BatchError": "BatchError",
    "batches.BatchRequestCounts": "BatchRequestCounts",
    "batches.BatchUsage": "Batch/usage",
    "batches.BatchInputTokensDetails": "Batch/usage/input_tokens_details",
    "batches.BatchOutputTokensDetails": "Batch/usage/output_tokens_details",
    # chat
    "chat.ChatCompletion": "CreateChatCompletionResponse",
    "chat.Choice": "CreateChatCompletionResponse/choices/[]",
    "chat.ChatCompletionMessage": "ChatCompletionResponseMessage",
    "chat.ToolCall": ("ChatCompletionMessageToolCall", "ChatCompletionMessageCustomToolCall"),
    "chat.FunctionCall": "ChatCompletionMessageToolCall/function",
    "chat.Annotation": "ChatCompletionResponseMessage/annotations/[]",
    "chat.URLCitation": "ChatCompletionResponseMessage/annotations/[]/url_citation",
    "chat.MessageAudio": "ChatCompletionResponseMessage/audio",
    "chat.ChoiceLogprobs": "CreateChatCompletionResponse/choices/[]/logprobs",
    "chat.TokenLogprob": "ChatCompletionTokenLogprob",
    "chat.TopLogprob": "ChatCompletionTokenLogprob/top_logprobs/[]",
    "chat.CompletionUsage": "CompletionUsage",
    "chat.CompletionTokensDetails": "CompletionUsage/completion_tokens_details",
    "chat.PromptTokensDetails": "CompletionUsage/prompt_tokens_details",
    "chat.ChatCompletionChunk": "CreateChatCompletionStreamResponse",
    "chat.ChunkChoice": "CreateChatCompletionStreamResponse/choices/[]",
    "chat.ChoiceDelta": "ChatCompletionStreamResponseDelta",
    "chat.ChoiceDeltaToolCall": "ChatCompletionMessageToolCallChunk",
    "chat.StoredChatCompletionMessage": "ChatCompletionMessageList/data/[]",
    "chat.ChatCompletionList": "ChatCompletionList",
    "chat.ChatCompletionMessageList": "ChatCompletionMessageList",
    "chat.ChatCompletionDeleted": "ChatCompletionDeleted",
    "chat.ChatCompletionModeration": "ChatCompletionModeration",
    # completions
    "completions.Completion": "CreateCompletionResponse",
    "completions.CompletionChoice": "CreateCompletionResponse/choices/[]",
    "completions.CompletionLogprobs": "CreateCompletionResponse/choices/[]/logprobs",
    # containers
    "containers.Container": "ContainerResource",
    "containers.ContainerList": "ContainerListResource",
    "containers.ContainerExpiresAfter": "ContainerResource/expires_after",
    "containers.NetworkPolicy": "ContainerResource/network_policy",
    "containers.ContainerFile": "ContainerFileResource",
    "containers.ContainerFileList": "ContainerFileListResource",
    # embeddings
    "embeddings.CreateEmbeddingResponse": "CreateEmbeddingResponse",
    "embeddings.Embedding": "Embedding",
    "embeddings.EmbeddingUsage": "CreateEmbeddingResponse/usage",
    # conversations
    "conversations.Conversation": "ConversationResource",
    "conversations.ConversationDeleted": "DeletedConversationResource",
    "conversations.ConversationItemList": "ConversationItemList",
    # evals
    "evals.Eval": "Eval",
    "evals.EvalList": "EvalList",
    "evals.EvalDeleted": "DELETE /evals/{eval_id}",
    "evals.EvalRun": "EvalRun",
    "evals.EvalRunList": "EvalRunList",
    "evals.EvalRunDeleted": "DELETE /evals/{eval_id}/runs/{run_id}",
    "evals.EvalRunError": "EvalApiError",
    "evals.EvalRunResultCounts": "EvalRun/result_counts",
    "evals.EvalRunModelUsage": "EvalRun/per_model_usage/[]",
    "evals.EvalRunCriteriaResult": "EvalRun/per_testing_criteria_results/[]",
    "evals.EvalRunOutputItem": "EvalRunOutputItem",
    "evals.EvalRunOutputItemList": "EvalRunOutputItemList",
    "evals.EvalRunOutputItemResult": "EvalRunOutputItemResult",
    "evals.EvalRunOutputItemSample": "EvalRunOutputItem/sample",
    # files
    "files.FileObject": "OpenAIFile",
    "files.FileList": "ListFilesResponse",
    "files.FileDeleted": "DeleteFileResponse",
    # fine-tuning
    "fine_tuning.FineTuningJob": "FineTuningJob",
    "fine_tuning.FineTuningJobError": "FineTuningJob/error",
    "fine_tuning.Hyperparameters": ("FineTuningJob/hyperparameters", "FineTuneSupervisedHyperparameters"),
    "fine_tuning.DpoHyperparameters": "FineTuneDPOHyperparameters",
    "fine_tuning.FineTuneMethod": "FineTuneMethod",
    "fine_tuning.SupervisedMethod": "FineTuneSupervisedMethod",
    "fine_tuning.DpoMethod": "FineTuneDPOMethod",
    "fine_tuning.ReinforcementMethod": "FineTuneReinforcementMethod",
    "fine_tuning.FineTuningIntegration": "FineTuningIntegration",
    "fine_tuning.WandbIntegration": "FineTuningIntegration/wandb",
    "fine_tuning.FineTuningJobList": "ListPaginatedFineTuningJobsResponse",
    "fine_tuning.FineTuningJobEvent": "FineTuningJobEvent",
    "fine_tuning.FineTuningJobEventList": "ListFineTuningJobEventsResponse",
    "fine_tuning.FineTuningJobCheckpoint": "FineTuningJobCheckpoint",
    "fine_tuning.CheckpointMetrics": "FineTuningJobCheckpoint/metrics",
    "fine_tuning.FineTuningJobCheckpointList": "ListFineTuningJobCheckpointsResponse",
    "fine_tuning.CheckpointPermission": "FineTuningCheckpointPermission",
    "fine_tuning.CheckpointPermissionList": "ListFineTuningCheckpointPermissionResponse",
    "fine_tuning.CheckpointPermissionDeleted": "DeleteFineTuningCheckpointPermissionResponse",
    # images
    "images.ImagesResponse": "ImagesResponse",
    "images.Image": "Image",
    "images.ImageGenUsage": ("ImageGenUsage", "ImagesUsage"),
    "images.ImageGenInputUsageDetails": ("ImageGenInputUsageDetails", "ImagesUsage/input_tokens_details"),
    "images.ImageGenOutputTokensDetails": "ImageGenOutputTokensDetails",
    "images.ImagePartialImageEvent": ("ImageGenPartialImageEvent", "ImageEditPartialImageEvent"),
    "images.ImageCompletedEvent": ("ImageGenCompletedEvent", "ImageEditCompletedEvent"),
    # models
    "models.OpenAIModel": "Model",
    "models.ModelList": "ListModelsResponse",
    "models.ModelDeleted": "DeleteModelResponse",
    # moderations
    "moderations.ModerationCreateResponse": "CreateModerationResponse",
    "moderations.Moderation": "CreateModerationResponse/results/[]",
    "moderations.Categories": "CreateModerationResponse/results/[]/categories",
    "moderations.CategoryScores": "CreateModerationResponse/results/[]/category_scores",
    "moderations.CategoryAppliedInputTypes": (
        "CreateModerationResponse/results/[]/category_applied_input_types"
    ),
    "moderations.ModerationResult": "ModerationResultBody",
    "moderations.ModerationResults": "ChatCompletionModerationResults",
    "moderations.ModerationFailure": ("ModerationErrorBody", "ChatCompletionModerationError"),
    # realtime
    "realtime.ClientSecret": "RealtimeCreateClientSecretResponse",
    "realtime.RealtimeSession": "RealtimeCreateClientSecretResponse/session",
    # responses
    "responses.Response": "Response",
    "responses.CompactedResponse": "CompactResource",
    "responses.InputTokenCount": "TokenCountsResource",
    "responses.ResponseUsage": "ResponseUsage",
    "responses.InputTokensDetails": "ResponseUsage/input_tokens_details",
    "responses.OutputTokensDetails": "ResponseUsage/output_tokens_details",
    "responses.ResponseError": "ResponseError",
    "responses.IncompleteDetails": "Response/incomplete_details",
    "responses.ResponseTextConfig": "ResponseTextParam",
    "responses.ReasoningConfig": "Reasoning",
    "responses.ResponseModeration": "Moderation",
    "responses.PromptCacheOptions": "PromptCacheOptions",
    # responses: items (an item of an output, and of a listed input or conversation)
    "response_items.ResponseOutputMessage": "OutputMessage",
    "response_items.ResponseInputMessage": ("InputMessageResource", "OutputMessage", "Message"),
    "response_items.ToolCallCaller": ("DirectToolCallCaller", "ProgramToolCallCaller"),
    "response_items.ResponseFunctionToolCall": ("FunctionToolCall", "FunctionToolCallResource"),
    "response_items.ResponseFunctionToolCallOutput": "FunctionToolCallOutputResource",
    "response_items.ResponseCustomToolCall": ("CustomToolCall", "CustomToolCallResource"),
    "response_items.ResponseCustomToolCallOutput": ("CustomToolCallOutput", "CustomToolCallOutputResource"),
    "response_items.ResponseReasoningItem": "ReasoningItem",
    "response_items.ResponseItemList": "ResponseItemList",
    # responses: content parts and annotations
    "response_content.AnnotationFileCitation": "FileCitationBody",
    "response_content.AnnotationUrlCitation": "UrlCitationBody",
    "response_content.AnnotationContainerFileCitation": "ContainerFileCitationBody",
    "response_content.AnnotationFilePath": "FilePath",
    "response_content.ResponseLogprob": ("LogProb", "ResponseLogProb"),
    "response_content.ResponseTopLogprob": ("TopLogProb", "ResponseLogProb/top_logprobs/[]"),
    "response_content.ResponseOutputText": "OutputTextContent",
    "response_content.ResponseOutputRefusal": "RefusalContent",
    "response_content.ResponseReasoningText": "ReasoningTextContent",
    "response_content.ReasoningSummaryText": "SummaryTextContent",
    "response_content.ResponseInputText": "InputTextContent",
    "response_content.ResponseInputImage": "InputImageContent",
    "response_content.ResponseInputFile": "InputFileContent",
    # responses: calls of built-in tools
    "response_tool_calls.ResponseFileSearchToolCall": "FileSearchToolCall",
    "response_tool_calls.FileSearchResult": "FileSearchToolCall/results/[]",
    "response_tool_calls.ResponseFunctionWebSearch": "WebSearchToolCall",
    "response_tool_calls.WebSearchAction": (
        "WebSearchActionSearch",
        "WebSearchActionOpenPage",
        "WebSearchActionFind",
    ),
    "response_tool_calls.WebSearchSource": "WebSearchActionSearch/sources/[]",
    "response_tool_calls.ResponseImageGenerationCall": "ImageGenToolCall",
    "response_tool_calls.ResponseCodeInterpreterToolCall": "CodeInterpreterToolCall",
    "response_tool_calls.CodeInterpreterOutputLogs": "CodeInterpreterOutputLogs",
    "response_tool_calls.CodeInterpreterOutputImage": "CodeInterpreterOutputImage",
    "response_tool_calls.ResponseMcpCall": "MCPToolCall",
    "response_tool_calls.McpToolCallError": ("MCPProtocolError", "MCPToolExecutionError", "HTTPError"),
    "response_tool_calls.ResponseMcpListTools": "MCPListTools",
    "response_tool_calls.McpListToolsTool": "MCPListToolsTool",
    "response_tool_calls.ResponseMcpApprovalRequest": "MCPApprovalRequest",
    "response_tool_calls.ResponseMcpApprovalResponse": "MCPApprovalResponseResource",
    "response_tool_calls.ResponseComputerToolCall": "ComputerToolCall",
    "response_tool_calls.ComputerAction": (
        "ClickParam",
        "DoubleClickAction",
        "DragParam",
        "KeyPressAction",
        "MoveParam",
        "ScreenshotParam",
        "ScrollParam",
        "TypeParam",
        "WaitParam",
    ),
    "response_tool_calls.ComputerPoint": "CoordParam",
    "response_tool_calls.ComputerSafetyCheck": "ComputerCallSafetyCheckParam",
    "response_tool_calls.ResponseComputerToolCallOutput": "ComputerToolCallOutputResource",
    "response_tool_calls.ComputerScreenshot": "ComputerScreenshotImage",
    "response_tool_calls.ResponseLocalShellCall": "LocalShellToolCall",
    "response_tool_calls.LocalShellExecAction": "LocalShellExecAction",
    "response_tool_calls.ResponseLocalShellCallOutput": "LocalShellToolCallOutput",
    # responses: stream events
    "response_events.ResponseLifecycleEvent": (
        "ResponseCreatedEvent",
        "ResponseQueuedEvent",
        "ResponseInProgressEvent",
        "ResponseCompletedEvent",
        "ResponseFailedEvent",
        "ResponseIncompleteEvent",
    ),
    "response_events.ResponseOutputItemEvent": (
        "ResponseOutputItemAddedEvent",
        "ResponseOutputItemDoneEvent",
    ),
    "response_events.ResponseContentPartEvent": (
        "ResponseContentPartAddedEvent",
        "ResponseContentPartDoneEvent",
    ),
    "response_events.ResponseTextDeltaEvent": "ResponseTextDeltaEvent",
    "response_events.ResponseTextDoneEvent": "ResponseTextDoneEvent",
    "response_events.ResponseOutputTextAnnotationAddedEvent": "ResponseOutputTextAnnotationAddedEvent",
    "response_events.ResponseRefusalDeltaEvent": "ResponseRefusalDeltaEvent",
    "response_events.ResponseRefusalDoneEvent": "ResponseRefusalDoneEvent",
    "response_events.ResponseFunctionCallArgumentsDeltaEvent": "ResponseFunctionCallArgumentsDeltaEvent",
    "response_events.ResponseFunctionCallArgumentsDoneEvent": "ResponseFunctionCallArgumentsDoneEvent",
    "response_events.ResponseCustomToolCallInputDeltaEvent": "ResponseCustomToolCallInputDeltaEvent",
    "response_events.ResponseCustomToolCallInputDoneEvent": "ResponseCustomToolCallInputDoneEvent",
    "response_events.ResponseReasoningSummaryPartEvent": (
        "ResponseReasoningSummaryPartAddedEvent",
        "ResponseReasoningSummaryPartDoneEvent",
    ),
    "response_events.ResponseReasoningSummaryTextDeltaEvent": "ResponseReasoningSummaryTextDeltaEvent",
    "response_events.ResponseReasoningSummaryTextDoneEvent": "ResponseReasoningSummaryTextDoneEvent",
    "response_events.ResponseReasoningTextDeltaEvent": "ResponseReasoningTextDeltaEvent",
    "response_events.ResponseReasoningTextDoneEvent": "ResponseReasoningTextDoneEvent",
    "response_events.ResponseWebSearchCallEvent": (
        "ResponseWebSearchCallInProgressEvent",
        "ResponseWebSearchCallSearchingEvent",
        "ResponseWebSearchCallCompletedEvent",
    ),
    "response_events.ResponseFileSearchCallEvent": (
        "ResponseFileSearchCallInProgressEvent",
        "ResponseFileSearchCallSearchingEvent",
        "ResponseFileSearchCallCompletedEvent",
    ),
    "response_events.ResponseCodeInterpreterCallEvent": (
        "ResponseCodeInterpreterCallInProgressEvent",
        "ResponseCodeInterpreterCallInterpretingEvent",
        "ResponseCodeInterpreterCallCompletedEvent",
    ),
    "response_events.ResponseCodeInterpreterCallCodeDeltaEvent": "ResponseCodeInterpreterCallCodeDeltaEvent",
    "response_events.ResponseCodeInterpreterCallCodeDoneEvent": "ResponseCodeInterpreterCallCodeDoneEvent",
    "response_events.ResponseImageGenCallEvent": (
        "ResponseImageGenCallInProgressEvent",
        "ResponseImageGenCallGeneratingEvent",
        "ResponseImageGenCallCompletedEvent",
    ),
    "response_events.ResponseImageGenCallPartialImageEvent": "ResponseImageGenCallPartialImageEvent",
    "response_events.ResponseMcpCallEvent": (
        "ResponseMCPCallInProgressEvent",
        "ResponseMCPCallCompletedEvent",
        "ResponseMCPCallFailedEvent",
    ),
    "response_events.ResponseMcpCallArgumentsDeltaEvent": "ResponseMCPCallArgumentsDeltaEvent",
    "response_events.ResponseMcpCallArgumentsDoneEvent": "ResponseMCPCallArgumentsDoneEvent",
    "response_events.ResponseMcpListToolsEvent": (
        "ResponseMCPListToolsInProgressEvent",
        "ResponseMCPListToolsCompletedEvent",
        "ResponseMCPListToolsFailedEvent",
    ),
    "response_events.ResponseErrorEvent": "ResponseErrorEvent",
    # uploads
    "uploads.Upload": "Upload",
    "uploads.UploadPart": "UploadPart",
    # vector stores
    "vector_stores.VectorStore": "VectorStoreObject",
    "vector_stores.VectorStoreList": "ListVectorStoresResponse",
    "vector_stores.VectorStoreDeleted": "DeleteVectorStoreResponse",
    "vector_stores.VectorStoreExpiresAfter": "VectorStoreExpirationAfter",
    "vector_stores.FileCounts": ("VectorStoreObject/file_counts", "VectorStoreFileBatchObject/file_counts"),
    "vector_stores.VectorStoreFile": "VectorStoreFileObject",
    "vector_stores.VectorStoreFileList": "ListVectorStoreFilesResponse",
    "vector_stores.VectorStoreFileDeleted": "DeleteVectorStoreFileResponse",
    "vector_stores.VectorStoreFileError": "VectorStoreFileObject/last_error",
    "vector_stores.ChunkingStrategy": (
        "StaticChunkingStrategyResponseParam",
        "OtherChunkingStrategyResponseParam",
    ),
    "vector_stores.StaticChunking": "StaticChunkingStrategy",
    "vector_stores.VectorStoreFileContent": "VectorStoreFileContentResponse",
    "vector_stores.ContentPart": (
        "VectorStoreFileContentResponse/data/[]",
        "VectorStoreSearchResultContentObject",
    ),
    "vector_stores.VectorStoreFileBatch": "VectorStoreFileBatchObject",
    "vector_stores.SearchResult": "VectorStoreSearchResultItem",
    "vector_stores.SearchResultsPage": "VectorStoreSearchResultsPage",
}

#: Response dataclasses that stand for no one schema, and why.
MODELS_EXCLUDED: Dict[str, str] = {
    "response_events.ResponseOtherEvent": "the catch-all for event types that have no class",
    "response_items.ResponseOtherItem": "the catch-all for item types that have no class",
    "response_content.ResponseOtherContent": "the catch-all for content part types that have no class",
    "response_content.ResponseOtherAnnotation": "the catch-all for annotation types that have no class",
    "images.ImageOtherEvent": "the catch-all for event types that have no class",
    "audio.TranscriptOtherEvent": "the catch-all for event types that have no class",
    "audio.SpeechOtherEvent": "the catch-all for event types that have no class",
    "containers.ContainerDeleted": "the spec documents no body; the keys are the reference example's",
    "containers.ContainerFileDeleted": "the spec documents no body; the keys are the reference example's",
}

#: Resource function -> ``(METHOD, path)`` of its operation, or ``(METHOD, path, media type)``
#: when the operation takes more than one kind of body.
FUNCTIONS: Dict[str, Tuple[str, ...]] = {
    "audio.transcribe": ("POST", "/audio/transcriptions"),
    "audio.translate": ("POST", "/audio/translations"),
    "audio.speech": ("POST", "/audio/speech"),
    "audio.speech_to_file": ("POST", "/audio/speech"),
    "audio.transcribe_stream": ("POST", "/audio/transcriptions"),
    "audio.speech_stream": ("POST", "/audio/speech"),
    "batches.create": ("POST", "/batches"),
    "batches.retrieve": ("GET", "/batches/{batch_id}"),
    "batches.list": ("GET", "/batches"),
    "batches.cancel": ("POST", "/batches/{batch_id}/cancel"),
    "chat.create": ("POST", "/chat/completions"),
    "chat.stream": ("POST", "/chat/completions"),
    "chat.retrieve": ("GET", "/chat/completions/{completion_id}"),
    "chat.list": ("GET", "/chat/completions"),
    "chat.update": ("POST", "/chat/completions/{completion_id}"),
    "chat.delete": ("DELETE", "/chat/completions/{completion_id}"),
    "chat.list_messages": ("GET", "/chat/completions/{completion_id}/messages"),
    "completions.create": ("POST", "/completions"),
    "containers.create": ("POST", "/containers"),
    "containers.retrieve": ("GET", "/containers/{container_id}"),
    "containers.list": ("GET", "/containers"),
    "containers.delete": ("DELETE", "/containers/{container_id}"),
    "containers.create_file": ("POST", "/containers/{container_id}/files", "multipart/form-data"),
    "containers.list_files": ("GET", "/containers/{container_id}/files"),
    "containers.retrieve_file": ("GET", "/containers/{container_id}/files/{file_id}"),
    "containers.delete_file": ("DELETE", "/containers/{container_id}/files/{file_id}"),
    "containers.file_content": ("GET", "/containers/{container_id}/files/{file_id}/content"),
    "conversations.create": ("POST", "/conversations"),
    "conversations.retrieve": ("GET", "/conversations/{conversation_id}"),
    "conversations.update": ("POST", "/conversations/{conversation_id}"),
    "conversations.delete": ("DELETE", "/conversations/{conversation_id}"),
    "conversations.create_items": ("POST", "/conversations/{conversation_id}/items"),
    "conversations.list_items": ("GET", "/conversations/{conversation_id}/items"),
    "conversations.retrieve_item": ("GET", "/conversations/{conversation_id}/items/{item_id}"),
    "conversations.delete_item": ("DELETE", "/conversations/{conversation_id}/items/{item_id}"),
    "evals.create": ("POST", "/evals"),
    "evals.list": ("GET", "/evals"),
    "evals.retrieve": ("GET", "/evals/{eval_id}"),
    "evals.update": ("POST", "/evals/{eval_id}"),
    "evals.delete": ("DELETE", "/evals/{eval_id}"),
    "evals.create_run": ("POST", "/evals/{eval_id}/runs"),
    "evals.list_runs": ("GET", "/evals/{eval_id}/runs"),
    "evals.retrieve_run": ("GET", "/evals/{eval_id}/runs/{run_id}"),
    "evals.cancel_run": ("POST", "/evals/{eval_id}/runs/{run_id}"),
    "evals.delete_run": ("DELETE", "/evals/{eval_id}/runs/{run_id}"),
    "evals.list_output_items": ("GET", "/evals/{eval_id}/runs/{run_id}/output_items"),
    "evals.retrieve_output_item": ("GET", "/evals/{eval_id}/runs/{run_id}/output_items/{output_item_id}"),
    "completions.stream": ("POST", "/completions"),
    "embeddings.create": ("POST", "/embeddings"),
    "files.list": ("GET", "/files"),
    "files.create": ("POST", "/files"),
    "files.retrieve": ("GET", "/files/{file_id}"),
    "files.delete": ("DELETE", "/files/{file_id}"),
    "files.content": ("GET", "/files/{file_id}/content"),
    "files.download": ("GET", "/files/{file_id}/content"),
    "fine_tuning.list_jobs": ("GET", "/fine_tuning/jobs"),
    "fine_tuning.create_job": ("POST", "/fine_tuning/jobs"),
    "fine_tuning.retrieve_job": ("GET", "/fine_tuning/jobs/{fine_tuning_job_id}"),
    "fine_tuning.cancel_job": ("POST", "/fine_tuning/jobs/{fine_tuning_job_id}/cancel"),
    "fine_tuning.pause_job": ("POST", "/fine_tuning/jobs/{fine_tuning_job_id}/pause"),
    "fine_tuning.resume_job": ("POST", "/fine_tuning/jobs/{fine_tuning_job_id}/resume"),
    "fine_tuning.list_events": ("GET", "/fine_tuning/jobs/{fine_tuning_job_id}/events"),
    "fine_tuning.list_checkpoints": ("GET", "/fine_tuning/jobs/{fine_tuning_job_id}/checkpoints"),
    "fine_tuning.create_checkpoint_permission": (
        "POST",
        "/fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions",
    ),
    "fine_tuning.list_checkpoint_permissions": (
        "GET",
        "/fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions",
    ),
    "fine_tuning.delete_checkpoint_permission": (
        "DELETE",
        "/fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions/{permission_id}",
    ),
    "images.generate": ("POST", "/images/generations"),
    "images.edit": ("POST", "/images/edits", "multipart/form-data"),
    "images.create_variation": ("POST", "/images/variations"),
    "images.generate_stream": ("POST", "/images/generations"),
    "images.edit_stream": ("POST", "/images/edits", "multipart/form-data"),
    "models.list": ("GET", "/models"),
    "models.retrieve": ("GET", "/models/{model}"),
    "models.delete": ("DELETE", "/models/{model}"),
    "moderations.create": ("POST", "/moderations"),
    "responses.create": ("POST", "/responses"),
    "responses.stream": ("POST", "/responses"),
    "responses.retrieve": ("GET", "/responses/{response_id}"),
    "responses.retrieve_stream": ("GET", "/responses/{response_id}"),
    "responses.delete": ("DELETE", "/responses/{response_id}"),
    "responses.cancel": ("POST", "/responses/{response_id}/cancel"),
    "responses.list_input_items": ("GET", "/responses/{response_id}/input_items"),
    "responses.compact": ("POST", "/responses/compact"),
    "responses.count_input_tokens": ("POST", "/responses/input_tokens"),
    "realtime.create_client_secret": ("POST", "/realtime/client_secrets"),
    "realtime.accept_call": ("POST", "/realtime/calls/{call_id}/accept"),
    "realtime.reject_call": ("POST", "/realtime/calls/{call_id}/reject"),
    "realtime.hangup_call": ("POST", "/realtime/calls/{call_id}/hangup"),
    "realtime.refer_call": ("POST", "/realtime/calls/{call_id}/refer"),
    "uploads.create": ("POST", "/uploads"),
    "uploads.add_part": ("POST", "/uploads/{upload_id}/parts"),
    "uploads.complete": ("POST", "/uploads/{upload_id}/complete"),
    "uploads.cancel": ("POST", "/uploads/{upload_id}/cancel"),
    "vector_stores.create": ("POST", "/vector_stores"),
    "vector_stores.retrieve": ("GET", "/vector_stores/{vector_store_id}"),
    "vector_stores.update": ("POST", "/vector_stores/{vector_store_id}"),
    "vector_stores.delete": ("DELETE", "/vector_stores/{vector_store_id}"),
    "vector_stores.list": ("GET", "/vector_stores"),
    "vector_stores.search": ("POST", "/vector_stores/{vector_store_id}/search"),
    "vector_stores.create_file": ("POST", "/vector_stores/{vector_store_id}/files"),
    "vector_stores.retrieve_file": ("GET", "/vector_stores/{vector_store_id}/files/{file_id}"),
    "vector_stores.update_file": ("POST", "/vector_stores/{vector_store_id}/files/{file_id}"),
    "vector_stores.delete_file": ("DELETE", "/vector_stores/{vector_store_id}/files/{file_id}"),
    "vector_stores.list_files": ("GET", "/vector_stores/{vector_store_id}/files"),
    "vector_stores.file_content": ("GET", "/vector_stores/{vector_store_id}/files/{file_id}/content"),
    "vector_stores.create_file_batch": ("POST", "/vector_stores/{vector_store_id}/file_batches"),
    "vector_stores.retrieve_file_batch": ("GET", "/vector_stores/{vector_store_id}/file_batches/{batch_id}"),
    "vector_stores.cancel_file_batch": (
        "POST",
        "/vector_stores/{vector_store_id}/file_batches/{batch_id}/cancel",
    ),
    "vector_stores.list_file_batch_files": (
        "GET",
        "/vector_stores/{vector_store_id}/file_batches/{batch_id}/files",
    ),
}

#: Public functions that are no one operation, and why.
FUNCTIONS_EXCLUDED: Dict[str, str] = {
    "bulk.submit": "a recipe of files.create, batches.create and their list functions, each mapped",
    "bulk.wait": "polls batches.retrieve, which is mapped",
    "bulk.results": "reads the files that files.download fetches, which is mapped",
    "bulk.run": "a recipe of bulk.submit, bulk.wait and bulk.results",
    "bulk.cancel": "a recipe of batches.cancel, which is mapped",
    "bulk.status": "polls batches.retrieve, which is mapped",
    "chat.join": "assembles streamed chunks; sends nothing",
    "chat.parse": "passes its keywords on to chat.create, which is mapped",
    "responses.parse": "passes its keywords on to responses.create, which is mapped",
    "cli.main": "the command line",
    "uploads.upload_file": "a recipe of create, add_part and complete, each mapped",
    "vector_stores.create_file_and_poll": "a recipe of create_file and retrieve_file, each mapped",
    "vector_stores.upload_and_poll": (
        "a recipe of files.create, create_file_batch and retrieve_file_batch, each mapped"
    ),
    "webhooks.sign": "webhooks are received, not requested",
    "webhooks.verify": "webhooks are received, not requested",
    "webhooks.unwrap": "webhooks are received, not requested",
}

#: Stream function -> the functions it is the streaming twin of. The twins need not take
#: the :data:`STREAM_PARAMETERS` that the stream function takes or sends.
STREAMS: Dict[str, Tuple[str, ...]] = {
    "chat.stream": ("chat.create",),
    "completions.stream": ("completions.create",),
    "responses.stream": ("responses.create",),
    "responses.retrieve_stream": ("responses.retrieve",),
    "images.generate_stream": ("images.generate",),
    "images.edit_stream": ("images.edit",),
    "audio.transcribe_stream": ("audio.transcribe",),
    "audio.speech_stream": ("audio.speech", "audio.speech_to_file"),
}

#: Function -> the parameters it sends itself, with a fixed value.
SENT: Dict[str, Tuple[str, ...]] = {
    "chat.stream": ("stream",),
    "completions.stream": ("stream",),
    "responses.stream": ("stream",),
    "responses.retrieve_stream": ("stream",),
    "images.generate_stream": ("stream",),
    "images.edit_stream": ("stream",),
    "audio.transcribe_stream": ("stream",),
    "audio.speech_stream": ("stream_format",),
    "realtime.accept_call": ("type",),
}

#: Function -> {its parameter: the API's name}, where the API's name cannot be used.
RENAMED: Dict[str, Dict[str, str]] = {
    "realtime.create_client_secret": {"session_config": "session"},  # session is the requests.Session
}

#: Parameters that only mean something for a stream: a function with a stream twin lacks them.
STREAM_PARAMETERS = frozenset(
    {"stream", "stream_options", "stream_format", "partial_images", "starting_after", "include_obfuscation"}
)

#: What the spec has and the code lacks on purpose: ``"module.Class.field"`` or
#: ``"module.function(parameter)"`` -> why. What the spec marks deprecated is not asked for.
ALLOWED: Dict[str, str] = {
    "responses.Response.output_text": "a property that joins the output's text (the spec marks it SDK-only)",
    "images.generate_stream(response_format)": "only GPT image models stream, and they answer b64_json",
    "images.edit_stream(response_format)": "only GPT image models stream, and they answer b64_json",
    "images.generate_stream(style)": "dall-e-3 only, which does not stream",
}

#: Parameters of the functions that the spec does not know, being the library's own.
CLIENT_PARAMETERS: Dict[str, str] = {
    "progress": "a callback following the upload or the download",
    "path": "the file that a download is written to",
}

#: What the code declares and the spec does not know: ``"module.Class.field"`` or
#: ``"module.function(parameter)"`` -> why.
UNKNOWN_TO_SPEC: Dict[str, str] = {
    "responses.Response.store": "the API sends it, though the schema lacks it",
    "chat.StoredChatCompletionMessage.name": "the name the request gave the message",
    "responses.stream(text_format)": "a dataclass, sent as the JSON schema of text.format",
}
