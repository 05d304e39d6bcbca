// An image the API refused (400 invalid_request_error). For the refusals it knows (the
// 8000-pixel dimension error, its 2000-pixel many-image variant, `Could not process image`)
// the CLI heals it itself: it says `API Error: an image in the conversation could not be
// processed and was removed. …`, sends the request again without the image and the prompt is
// answered (2.1.200, 2.1.332). claude-recover only logs that. A refusal it does not know shows
// as `API Error: 400 …image…` and comes back for every prompt, on every resume: when the same
// refusal comes twice with no answer in between, claude-recover removes the image (the safe
// rewrite prune-images uses) and resumes the session with the prompt in the box.
import { scanBackward } from '../transcript/tail.js';
import { imageSize } from '../transcript/image-size.js';
import { imageBlocks, isMainAssistantReply, parseRecord, type TranscriptRecord } from '../transcript/records.js';
import { errorRecordMention, errorText } from './cli.js';
import type { BlockSpec, RecordMention, Wording } from './types.js';
import { API_ERROR, compileWordings, matchApiErrorText, mentions, type CompiledWording } from './wordings.js';

/** What follows `API Error:`, most specific first. */
export const IMAGE_WORDINGS: readonly Wording[] = [
  // The CLI's own message when it left the image out and sent the request again (healed).
  { variant: 'removed', source: String.raw`^an\s+image\s+in\s+the\s+conversation\s+could\s+not\s+be\s+processed\s+and\s+was\s+removed` },
  // The API's 400 shown as it came (`400 messages.6.content.0.….image.source.base64.data: …`, or its JSON): not healed.
  { variant: 'api-400', source: String.raw`^400\s[\s\S]{0,300}?\bimages?\b` },
];

const MENTION = /an\s+image\s+in\s+the\s+conversation\s+could\s+not\s+be\s+processed|\bimage\b[\s\S]{0,80}\bdimensions?\s+exceed|could\s+not\s+process\s+image/i;

/** The `apiError` 2.1.330+ write when the CLI left refused media out (`apiErrorParams.media` names which). */
export const MEDIA_REMOVED = 'media_removed';

const RAW = /media_removed|could not be processed and was removed|"apiErrorStatus":400/;

let compiled: CompiledWording[] | undefined;

function compile(): { wordings: CompiledWording[]; invalid: string[] } {
  compiled ??= compileWordings(IMAGE_WORDINGS, MENTION);
  return { wordings: compiled, invalid: [] };
}

/** `removed` (the CLI healed it), `api-400` (a refusal naming an image, not healed), or null. */
export function imageVariant(text: string, wordings: readonly CompiledWording[] = compile().wordings): string | null {
  return matchApiErrorText(text, wordings);
}

function mention(record: TranscriptRecord, wordings: readonly CompiledWording[]): RecordMention | null {
  if (record.type === 'assistant' && record.isApiErrorMessage === true) {
    const params = record.apiErrorParams as { media?: unknown } | undefined;
    const tagged = record.apiError === MEDIA_REMOVED && (params?.media === undefined || params.media === 'image') ? 'removed' : null;
    const found = errorRecordMention(record, tagged ?? imageVariant(errorText(record), wordings));
    if (found) return found;
  }
  const content = record.message?.content;
  return typeof content === 'string' && mentions(content, wordings) ? { kind: 'other', variant: 'content' } : null;
}

export const IMAGE_REFUSED: BlockSpec = {
  kind: 'image-refused',
  label: 'refused image',
  short: 'image',
  screen: { rendering: 'api-error' },
  compile,
  lineMayCarry: (line) => RAW.test(line),
  mention,
  logsContent: false,
};

/** One image of the transcript, as the log names it: where it is, its kind and size, never its data. */
export interface RefusedImage {
  /** The record that holds it. */
  uuid: string | null;
  /** Which image block of that record (in order, tool results included), from 0. */
  index: number;
  mediaType: string;
  /** Its base64 characters. */
  base64Chars: number;
  width: number | null;
  height: number | null;
}

/** What an image occurrence knows besides the common fields. */
export interface ImageFacts {
  /** The CLI left the image out and sent the request again by itself. */
  healed: boolean;
  /** The same refusal came before, after the last answer: the CLI did not heal it. */
  again: boolean;
  /** The API's words (request ids left out), for the log and to compare refusals. */
  refusal: string;
  /**
   * The images the refusal can mean: those added after the last answer (every image before
   * it was in a request the API accepted), narrowed to those over the pixel limit the refusal
   * names, if it names one and any is.
   */
  images: RefusedImage[];
}

/** The API's own words of a refusal record: the message of its errorDetails, else the text after `API Error:`. */
export function refusalText(record: TranscriptRecord): string {
  const details = typeof record.errorDetails === 'string' ? record.errorDetails : '';
  const message = /"message"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(details)?.[1];
  const text = message ?? errorText(record).replace(API_ERROR, '');
  return text.replace(/"?request_id"?\s*:\s*"[^"]*"/g, '').replace(/\s+/g, ' ').trim();
}

/** The pixel limit a refusal names (`… max allowed size: 8000 pixels`), or null. */
export function pixelLimit(refusal: string): number | null {
  const found = /(\d{2,6})\s*pixels/i.exec(refusal);
  return found ? Number(found[1]) : null;
}

/**
 * Reads the transcript back from the refusal record `uuid` to the last answer of the main
 * session: the images added since, and whether the same refusal came before. Bounded by
 * `limitBytes`; synchronous (once per occurrence, while the session waits anyway).
 */
export function imageFacts(file: string, errorRecord: TranscriptRecord, variant: string, limitBytes = 64 * 1024 * 1024): ImageFacts {
  const refusal = refusalText(errorRecord);
  const images: RefusedImage[] = [];
  let again = false;
  let reached = typeof errorRecord.uuid !== 'string';
  scanBackward(
    file,
    (line) => {
      if (line.text === null) return false;
      const record = parseRecord(line.text);
      if (!record) return false;
      if (!reached) {
        reached = record.uuid === errorRecord.uuid;
        return false;
      }
      if (isMainAssistantReply(record)) return true;
      if (record.isSidechain === true) return false;
      if (record.type === 'assistant' && record.isApiErrorMessage === true && refusalText(record) === refusal) again = true;
      if (record.type === 'user') {
        const blocks = imageBlocks(record);
        for (let index = blocks.length - 1; index >= 0; index--) {
          const source = (blocks[index] as (typeof blocks)[number]).block.source;
          const data = typeof source?.data === 'string' ? source.data : '';
          if (source?.type !== 'base64' || data === '') continue;
          const size = imageSize(data);
          images.push({
            uuid: typeof record.uuid === 'string' ? record.uuid : null,
            index,
            mediaType: typeof source.media_type === 'string' ? source.media_type : 'image',
            base64Chars: data.length,
            width: size?.width ?? null,
            height: size?.height ?? null,
          });
        }
      }
      return false;
    },
    { limitBytes },
  );
  images.reverse();
  const limit = pixelLimit(refusal);
  const over = limit === null ? [] : images.filter((image) => image.width !== null && image.height !== null && Math.max(image.width, image.height) > limit);
  return { healed: variant === 'removed', again: variant !== 'removed' && again, refusal, images: over.length > 0 ? over : images };
}
