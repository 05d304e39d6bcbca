import { describe, expect, it } from 'vitest';
import { countImages, imageBlocks, replyContextTokens, replyModel, type ContentBlock, type TranscriptRecord } from '../../../src/transcript/records.js';

const image = (data: string): ContentBlock => ({ type: 'image', source: { type: 'base64', media_type: 'image/png', data } });

describe('imageBlocks', () => {
  it('finds images in the content and inside tool results, in order, with the array that holds each', () => {
    const record: TranscriptRecord = {
      type: 'user',
      message: {
        role: 'user',
        content: [
          image('a'),
          { type: 'tool_result', content: [{ type: 'text', text: 'x' }, image('b')] },
          { type: 'text', text: 'no image' },
        ],
      },
    };
    const found = imageBlocks(record);
    expect(found.map((slot) => slot.block.source?.data)).toEqual(['a', 'b']);
    expect(found.map((slot) => slot.index)).toEqual([0, 1]);
    expect(found[1]?.list[found[1].index]).toBe(found[1]?.block);
    expect(countImages(record)).toBe(2);
  });

  it('finds none in a string content or a record without a message', () => {
    expect(imageBlocks({ type: 'user', message: { content: 'hello' } })).toEqual([]);
    expect(countImages({ type: 'system' })).toBe(0);
  });
});

describe('reply figures', () => {
  const usage = { input_tokens: 10, cache_read_input_tokens: 1000, cache_creation_input_tokens: 5, output_tokens: 7 };

  it('gives the context of a main reply with usage, null otherwise', () => {
    expect(replyContextTokens({ type: 'assistant', message: { model: 'm', usage } })).toBe(1015);
    expect(replyContextTokens({ type: 'assistant', message: { model: 'm' } })).toBeNull();
    expect(replyContextTokens({ type: 'assistant', isSidechain: true, message: { model: 'm', usage } })).toBeNull();
    expect(replyContextTokens({ type: 'assistant', isApiErrorMessage: true, message: { model: 'm', usage } })).toBeNull();
    expect(replyContextTokens({ type: 'user', message: { usage } })).toBeNull();
  });

  it('gives the requested model, else the answering one', () => {
    expect(replyModel({ type: 'assistant', requestedModel: 'claude-opus-4-6[1m]', message: { model: 'claude-opus-4-6' } })).toBe('claude-opus-4-6[1m]');
    expect(replyModel({ type: 'assistant', message: { model: 'claude-opus-4-6' } })).toBe('claude-opus-4-6');
    expect(replyModel({ type: 'assistant' })).toBeNull();
  });
});
